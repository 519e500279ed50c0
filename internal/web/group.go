package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// Protected areas ("geschützter Raum"): administrators manage groups and
// their members and restrict topic fields to a group, on /admin/gruppen,
// the field's edit form and /api/v1. Who sees what is store.Viewer's rule;
// these handlers only change the data. The HTML and JSON handlers share
// createGroup, addGroupMember and restrictField.

const (
	minGroupName = 2
	maxGroupName = 80
	maxGroupSlug = 60
)

// createGroup validates and inserts a group (administrators only).
func (s *Server) createGroup(c *gin.Context, slug, name string) (store.Group, error) {
	u := viewer(c)
	if !auth.CanAdmin(u) {
		return store.Group{}, auth.ErrForbidden
	}
	var ch input.Checker
	name = ch.Text("name", name, true, minGroupName, maxGroupName)
	slug = ch.Text("slug", slug, false, 0, maxGroupSlug)
	if slug == "" && name != "" {
		slug = forum.Slugify(name)
	}
	if slug != "" && !fieldSlug.MatchString(slug) {
		ch.Add("slug", "groups.error.slug_format")
	}
	if err := ch.Err(); err != nil {
		return store.Group{}, err
	}
	g, err := s.db.CreateGroup(c.Request.Context(), u.ID, slug, name)
	if errors.Is(err, store.ErrConflict) {
		ch.Add("slug", "groups.error.slug_taken")
		return store.Group{}, ch.Err()
	}
	return g, err
}

// addGroupMember adds the account with the email to the group
// (administrators only); added is false when it was a member already.
func (s *Server) addGroupMember(c *gin.Context, g store.Group, email string) (store.User, bool, error) {
	u := viewer(c)
	if !auth.CanAdmin(u) {
		return store.User{}, false, auth.ErrForbidden
	}
	ctx := c.Request.Context()
	var ch input.Checker
	email = ch.Email("email", email)
	if err := ch.Err(); err != nil {
		return store.User{}, false, err
	}
	target, err := s.db.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		ch.Add("email", "groups.error.no_account")
		return store.User{}, false, ch.Err()
	}
	if err != nil {
		return store.User{}, false, err
	}
	added, err := s.db.AddGroupMember(ctx, u.ID, g.ID, target.ID)
	return target, added, err
}

// restrictField restricts the field to the group with the slug, or opens
// it again for an empty slug (administrators only).
func (s *Server) restrictField(c *gin.Context, f store.TopicField, groupSlug string) (store.TopicField, error) {
	u := viewer(c)
	if !auth.CanAdmin(u) {
		return store.TopicField{}, auth.ErrForbidden
	}
	ctx := c.Request.Context()
	var groupID int64
	if groupSlug = strings.TrimSpace(groupSlug); groupSlug != "" {
		g, err := s.db.GroupBySlug(ctx, groupSlug)
		if errors.Is(err, store.ErrNotFound) {
			var ch input.Checker
			ch.Add("group", "groups.error.unknown")
			return store.TopicField{}, ch.Err()
		}
		if err != nil {
			return store.TopicField{}, err
		}
		groupID = g.ID
	}
	if err := s.db.SetTopicFieldGroup(ctx, u.ID, f.ID, groupID); err != nil {
		return store.TopicField{}, err
	}
	return s.db.TopicFieldByID(ctx, f.ID)
}

// The admin page.

type adminGroupsPage struct {
	adminBase
	Groups    []groupView
	Form      Form
	FormGroup int64 // the group whose member form Form belongs to; 0: the create form
}

type groupView struct {
	store.Group
	Members []store.User
}

// adminGroups serves GET /admin/gruppen: the groups with their members.
func (s *Server) adminGroups(c *gin.Context) {
	s.renderGroups(c, Form{}, 0, http.StatusOK)
}

func (s *Server) renderGroups(c *gin.Context, form Form, groupID int64, status int) {
	ctx := c.Request.Context()
	gs, err := s.db.Groups(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]groupView, len(gs))
	for i, g := range gs {
		views[i].Group = g
		if views[i].Members, err = s.db.GroupMembers(ctx, g.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	title := s.t(c, "groups.title")
	s.render(c, status, "admin_groups", adminGroupsPage{adminBase: s.adminBase(c, "groups", title, Crumb{Label: title}),
		Groups: views, Form: form, FormGroup: groupID})
}

// adminCreateGroup serves POST /admin/gruppen with slug and name.
func (s *Server) adminCreateGroup(c *gin.Context) {
	form := newForm(c, "name", "slug")
	_, err := s.createGroup(c, form.Values["slug"], form.Values["name"])
	if ve, ok := asValidation(err); ok {
		s.renderGroups(c, s.withErrors(c, form, ve), 0, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.groups_created")
	c.Redirect(http.StatusSeeOther, "/admin/gruppen")
}

// adminAddGroupMember serves POST /admin/gruppen/:id/mitglieder with email.
func (s *Server) adminAddGroupMember(c *gin.Context) {
	g, err := s.db.GroupByID(c.Request.Context(), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	form := newForm(c, "email")
	_, added, err := s.addGroupMember(c, g, form.Values["email"])
	if ve, ok := asValidation(err); ok {
		s.renderGroups(c, s.withErrors(c, form, ve), g.ID, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if added {
		s.setFlash(c, "flash.groups_member_added")
	} else {
		s.setFlash(c, "flash.groups_member_exists")
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/gruppen#gruppe-%d", g.ID))
}

// adminRemoveGroupMember serves POST /admin/gruppen/:id/mitglieder/:user/entfernen.
func (s *Server) adminRemoveGroupMember(c *gin.Context) {
	id := paramID(c, "id")
	if err := s.db.RemoveGroupMember(c.Request.Context(), viewer(c).ID, id, paramID(c, "user")); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.groups_member_removed")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/gruppen#gruppe-%d", id))
}

// adminFieldAccess serves POST /admin/themenfelder/:id/zugriff with group:
// a group's slug, or empty for every reader.
func (s *Server) adminFieldAccess(c *gin.Context) {
	f, err := s.db.TopicFieldByID(c.Request.Context(), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.restrictField(c, f, c.PostForm("group")); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.groups_access_saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/themenfelder/%d", f.ID))
}

// The API.

// apiGroupBody is the body of POST /api/v1/groups.
type apiGroupBody struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// apiGroup answers POST /api/v1/groups.
type apiGroup struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// apiGroupMemberBody is the body of POST /api/v1/groups/:slug/members.
type apiGroupMemberBody struct {
	Email string `json:"email"`
}

// apiGroupMember answers POST /api/v1/groups/:slug/members.
type apiGroupMember struct {
	Group  string `json:"group"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Added  bool   `json:"added"`
}

// apiFieldPatch is the body of PATCH /api/v1/topic-fields/:slug; a null
// group opens the field to every reader.
type apiFieldPatch struct {
	Group *string `json:"group"`
}

// apiRestrictedField answers PATCH /api/v1/topic-fields/:slug.
type apiRestrictedField struct {
	apiTopicField
	Group *string `json:"group"` // null: open to every reader
}

// requireAdminAPI answers 403 unless the caller administers the forum.
func (s *Server) requireAdminAPI(c *gin.Context) bool {
	if !auth.CanAdmin(viewer(c)) {
		s.fail(c, auth.ErrForbidden)
		return false
	}
	return true
}

// apiCreateGroup serves POST /api/v1/groups (administrators).
func (s *Server) apiCreateGroup(c *gin.Context) {
	var in apiGroupBody
	if !s.requireAdminAPI(c) || !s.decodeJSON(c, &in) {
		return
	}
	g, err := s.createGroup(c, in.Slug, in.Name)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusCreated, apiGroup{Slug: g.Slug, Name: g.Name})
}

// apiAddGroupMember serves POST /api/v1/groups/:slug/members (administrators):
// 201 for a new member, 200 when the account was one already.
func (s *Server) apiAddGroupMember(c *gin.Context) {
	var in apiGroupMemberBody
	if !s.requireAdminAPI(c) || !s.decodeJSON(c, &in) {
		return
	}
	g, err := s.db.GroupBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	u, added, err := s.addGroupMember(c, g, in.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	s.writeJSON(c, status, apiGroupMember{Group: g.Slug, UserID: u.ID, Name: u.DisplayName, Added: added})
}

// apiPatchField serves PATCH /api/v1/topic-fields/:slug with {"group": slug | null}
// (administrators).
func (s *Server) apiPatchField(c *gin.Context) {
	var in apiFieldPatch
	if !s.requireAdminAPI(c) || !s.decodeJSON(c, &in) {
		return
	}
	f, err := s.db.TopicFieldBySlug(c.Request.Context(), c.Param("slug"))
	if err != nil {
		s.fail(c, err)
		return
	}
	group := ""
	if in.Group != nil {
		group = *in.Group
		if group == "" {
			var ch input.Checker
			ch.Add("group", "groups.error.unknown")
			s.fail(c, ch.Err())
			return
		}
	}
	if f, err = s.restrictField(c, f, group); err != nil {
		s.fail(c, err)
		return
	}
	out := apiRestrictedField{apiTopicField: apiTopicField{Slug: f.Slug, Name: f.Name, Description: f.Description,
		URL: "/themenfeld/" + f.Slug}}
	if f.Restricted() {
		out.Group = &group
	}
	s.writeJSON(c, http.StatusOK, out)
}
