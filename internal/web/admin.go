package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// The admin area: topic fields, the approval queue and user list, the audit
// log. The route group lets only administrators in (others get 404), and
// every change writes its audit row in the store's transaction.

const (
	adminUsersPerPage = 50
	adminQueueLimit   = 200 // registrations shown in the approval queue
	adminAuditLimit   = 200 // newest audit entries shown

	minFieldName        = 2
	maxFieldName        = 80
	maxFieldSlug        = 60
	maxFieldDescription = 500
	shortDescription    = 90 // characters of the description in the list
)

// fieldSlug is the form of a topic field's address: what forum.Slugify makes.
var fieldSlug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// adminBase is Base plus the admin sub-navigation, embedded in every admin page.
type adminBase struct {
	Base
	Nav []adminTab
}

type adminTab struct {
	Label   string
	URL     string
	Current bool
}

// adminSections are the admin pages in sub-navigation order.
var adminSections = []struct{ name, key, url string }{
	{"fields", "admin.nav.fields", "/admin/themenfelder"},
	{"users", "admin.nav.users", "/admin/benutzer"},
	{"moderators", "mod.admin.nav", "/admin/moderation"},              // moderation.go
	{"groups", "groups.nav", "/admin/gruppen"},                        // group.go
	{"pages", "pages.admin.nav", "/admin/seiten"},                     // pages.go
	{"feedback", "pages.feedback_admin.nav", "/admin/rueckmeldungen"}, // pages.go
	{"audit", "admin.nav.audit", "/admin/protokoll"},
}

// adminBase fills the layout for an admin page in section: breadcrumbs
// start at "Administration", and search engines are asked to stay out.
func (s *Server) adminBase(c *gin.Context, section, title string, crumbs ...Crumb) adminBase {
	all := append([]Crumb{{Label: s.t(c, "admin.title"), URL: "/admin/themenfelder"}}, crumbs...)
	b := adminBase{Base: s.base(c, title, all...)}
	b.NoIndex = true
	for _, sec := range adminSections {
		b.Nav = append(b.Nav, adminTab{Label: s.t(c, sec.key), URL: sec.url, Current: sec.name == section})
	}
	return b
}

type adminFieldsPage struct {
	adminBase
	Fields []adminFieldRow
}

type adminFieldRow struct {
	store.TopicField
	Short string // the description, cut for the table
}

// adminFields serves GET /admin/themenfelder: every field, archived ones
// included, in display order with their thread counts.
func (s *Server) adminFields(c *gin.Context) {
	fields, err := s.db.TopicFieldStats(c.Request.Context(), reader(c), true)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := make([]adminFieldRow, len(fields))
	for i, f := range fields {
		rows[i] = adminFieldRow{TopicField: f, Short: shorten(f.Description, shortDescription)}
	}
	title := s.t(c, "admin.fields.title")
	s.render(c, http.StatusOK, "admin_fields", adminFieldsPage{adminBase: s.adminBase(c, "fields", title, Crumb{Label: title}), Fields: rows})
}

// shorten cuts s to at most n characters, marking a cut with "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

type adminFieldFormPage struct {
	adminBase
	Field  store.TopicField // zero for a new field
	Form   Form
	Action string
	Groups []store.Group // for the access select (group.go)
}

// adminField loads the field named by :id, or the zero field on the /neu
// route. It has answered the request when ok is false.
func (s *Server) adminField(c *gin.Context) (f store.TopicField, ok bool) {
	if c.Param("id") == "" {
		return f, true
	}
	f, err := s.db.TopicFieldByID(c.Request.Context(), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return f, false
	}
	return f, true
}

// adminFieldForm serves GET /admin/themenfelder/neu and /admin/themenfelder/:id.
func (s *Server) adminFieldForm(c *gin.Context) {
	f, ok := s.adminField(c)
	if !ok {
		return
	}
	form := Form{}.Set("name", f.Name).Set("slug", f.Slug).Set("description", f.Description)
	s.renderFieldForm(c, f, form, http.StatusOK)
}

func (s *Server) renderFieldForm(c *gin.Context, f store.TopicField, form Form, status int) {
	title, action := s.t(c, "admin.field.new_title"), "/admin/themenfelder/neu"
	if f.ID != 0 {
		title, action = s.t(c, "admin.field.edit_title", f.Name), fmt.Sprintf("/admin/themenfelder/%d", f.ID)
	}
	list := s.t(c, "admin.fields.title")
	b := s.adminBase(c, "fields", title, Crumb{Label: list, URL: "/admin/themenfelder"}, Crumb{Label: title})
	groups, err := s.db.Groups(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin_field_form", adminFieldFormPage{adminBase: b, Field: f, Form: form, Action: action, Groups: groups})
}

// adminSaveField serves POST /admin/themenfelder/neu and /admin/themenfelder/:id.
func (s *Server) adminSaveField(c *gin.Context) {
	f, ok := s.adminField(c)
	if !ok {
		return
	}
	form := newForm(c, "name", "slug", "description")
	next, err := checkTopicField(f, form.Values["name"], form.Values["slug"], form.Values["description"])
	if err == nil {
		next.ID, err = s.db.SaveTopicField(c.Request.Context(), viewer(c).ID, next)
		if errors.Is(err, store.ErrConflict) {
			var ch input.Checker
			ch.Add("slug", "admin.field.error.slug_taken")
			err = ch.Err()
			form = form.Set("slug", next.Slug) // show the derived slug that clashed
		}
	}
	if ve, ok := asValidation(err); ok {
		s.renderFieldForm(c, f, s.withErrors(c, form, ve), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if f.ID == 0 {
		s.setFlash(c, "flash.admin_field_created")
	} else {
		s.setFlash(c, "flash.admin_field_saved")
	}
	c.Redirect(http.StatusSeeOther, "/admin/themenfelder")
}

// checkTopicField validates the form's values into f. An empty slug on a
// new field is derived from the name; on an existing field the slug is
// required, never re-derived, since a changed address breaks links.
func checkTopicField(f store.TopicField, name, slug, description string) (store.TopicField, error) {
	var c input.Checker
	f.Name = c.Text("name", name, true, minFieldName, maxFieldName)
	f.Description = c.Multiline("description", description, false, 0, maxFieldDescription)
	f.Slug = c.Text("slug", slug, f.ID != 0, 0, maxFieldSlug)
	if f.Slug == "" && f.ID == 0 && f.Name != "" {
		f.Slug = forum.Slugify(f.Name)
	}
	if f.Slug != "" && !fieldSlug.MatchString(f.Slug) {
		c.Add("slug", "admin.field.error.slug_format")
	}
	return f, c.Err()
}

// adminMoveField serves POST /admin/themenfelder/:id/hoch and /runter.
func (s *Server) adminMoveField(delta int) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := paramID(c, "id")
		if err := s.db.MoveTopicField(c.Request.Context(), viewer(c).ID, id, delta); err != nil {
			s.fail(c, err)
			return
		}
		s.setFlash(c, "flash.admin_field_moved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/themenfelder#feld-%d", id))
	}
}

// adminArchiveField serves POST /admin/themenfelder/:id/archivieren and /wiederherstellen.
func (s *Server) adminArchiveField(archive bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := paramID(c, "id")
		if err := s.db.SetTopicFieldArchived(c.Request.Context(), viewer(c).ID, id, archive); err != nil {
			s.fail(c, err)
			return
		}
		if archive {
			s.setFlash(c, "flash.admin_field_archived")
		} else {
			s.setFlash(c, "flash.admin_field_restored")
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/themenfelder#feld-%d", id))
	}
}

type adminUsersPage struct {
	adminBase
	Queue      []store.User // waiting for approval, oldest first
	Users      []store.User
	Total      int
	Pagination pagination
	Filter     store.UserFilter
	Roles      []string
	Statuses   []string
}

// adminUsers serves GET /admin/benutzer?rolle=&status=&seite=: the approval
// queue, then all accounts, newest first. Unknown filter values are ignored.
func (s *Server) adminUsers(c *gin.Context) {
	ctx := c.Request.Context()
	var filter store.UserFilter
	if r := c.Query("rolle"); slices.Contains(store.Roles, r) {
		filter.Role = r
	}
	if st := c.Query("status"); slices.Contains(store.Statuses, st) {
		filter.Status = st
	}
	queue, err := s.db.UsersByStatus(ctx, store.StatusApproval, adminQueueLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := pageParam(c)
	users, total, err := s.db.Users(ctx, filter, adminUsersPerPage, (page-1)*adminUsersPerPage)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, adminUsersPerPage)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	q := url.Values{}
	if filter.Role != "" {
		q.Set("rolle", filter.Role)
	}
	if filter.Status != "" {
		q.Set("status", filter.Status)
	}
	title := s.t(c, "admin.users.title")
	s.render(c, http.StatusOK, "admin_users", adminUsersPage{
		adminBase: s.adminBase(c, "users", title, Crumb{Label: title}),
		Queue:     queue, Users: users, Total: total,
		Pagination: paginate("/admin/benutzer?"+q.Encode(), page, pages),
		Filter:     filter, Roles: store.Roles, Statuses: store.Statuses,
	})
}

// adminApproveUser serves POST /admin/benutzer/:id/freischalten. Approve
// writes the audit row and the notice mail in one transaction; the mail
// loop is woken so the notice goes out at once.
func (s *Server) adminApproveUser(c *gin.Context) {
	if err := s.accounts.Approve(c.Request.Context(), viewer(c), paramID(c, "id")); err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	s.setFlash(c, "flash.admin_user_approved")
	c.Redirect(http.StatusSeeOther, "/admin/benutzer")
}

type adminAuditPage struct {
	adminBase
	Log auditLog
}

// auditLog is what the "audit-log" partial shows: the newest entries, and
// whether older ones exist beyond Limit.
type auditLog struct {
	Entries   []auditView
	Limit     int
	Truncated bool
}

// auditLog builds the partial's data from up to limit+1 entries. Links to
// admin pages (topic fields) are kept for administrators only.
func (s *Server) auditLog(c *gin.Context, es []store.AuditEntry, limit int) auditLog {
	l := auditLog{Limit: limit, Truncated: len(es) > limit}
	if l.Truncated {
		es = es[:limit]
	}
	l.Entries = s.auditViews(s.lang(c), es)
	if !auth.CanAdmin(viewer(c)) {
		for i := range l.Entries {
			if strings.HasPrefix(l.Entries[i].TargetURL, "/admin/") {
				l.Entries[i].TargetURL = ""
			}
		}
	}
	return l
}

// auditView is an audit entry as the log page shows it.
type auditView struct {
	store.AuditEntry
	ActionLabel string // translated, or the raw code when the catalogue has none
	TargetLabel string
	TargetURL   string // empty when the target has no page
	DetailLabel string
}

// auditTargets maps target types to the page that shows the target.
var auditTargets = map[string]string{
	"thread":      "/t/%d",
	"post":        "/beitrag/%d",
	"topic_field": "/admin/themenfelder/%d",
	"user":        "/u/%d",
}

// adminAudit serves GET /admin/protokoll: the newest entries of the audit log.
func (s *Server) adminAudit(c *gin.Context) {
	es, err := s.db.AuditLog(c.Request.Context(), adminAuditLimit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	title := s.t(c, "admin.audit.title")
	s.render(c, http.StatusOK, "admin_audit", adminAuditPage{adminBase: s.adminBase(c, "audit", title, Crumb{Label: title}),
		Log: s.auditLog(c, es, adminAuditLimit)})
}

// auditViews translates action codes ("topic_field.create" via the key
// admin.audit.action.topic_field_create) and target types; codes the
// catalogue does not know are shown as they are.
func (s *Server) auditViews(lang string, es []store.AuditEntry) []auditView {
	known := func(key string, args ...any) (string, bool) {
		msg := s.cat.T(lang, key, args...)
		return msg, msg != key // T returns a missing key as-is
	}
	out := make([]auditView, len(es))
	for i, e := range es {
		v := auditView{AuditEntry: e, ActionLabel: e.Action, DetailLabel: e.Detail}
		if msg, ok := known("admin.audit.action." + strings.ReplaceAll(e.Action, ".", "_")); ok {
			v.ActionLabel = msg
		}
		v.TargetLabel = fmt.Sprintf("%s %d", e.TargetType, e.TargetID)
		if msg, ok := known("admin.audit.target."+e.TargetType, e.TargetID); ok {
			v.TargetLabel = msg
		}
		if pattern, ok := auditTargets[e.TargetType]; ok {
			v.TargetURL = fmt.Sprintf(pattern, e.TargetID)
		}
		if e.Action == "topic_field.reorder" {
			switch e.Detail {
			case "-1":
				v.DetailLabel = s.cat.T(lang, "admin.audit.detail.up")
			case "1":
				v.DetailLabel = s.cat.T(lang, "admin.audit.detail.down")
			}
		}
		out[i] = v
	}
	return out
}
