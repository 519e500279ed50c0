package web

// Pages of "Fragen an das Programmmanagement": the public area with every
// PM question, the pm users' work queue, the versions of an official
// answer and the public statistics; and the forms that mark an answer
// official, assign a question and set its state. The rules are in qa.PM;
// the thread page shows a question's state through templates/partials/pm.html.

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
)

type pmAreaPage struct {
	Base
	Days        int // answer deadline in working days
	Questions   []store.Thread
	Total       int
	Pagination  pagination
	CanSeeQueue bool
}

// pmArea serves GET /pm: what the PM area is for, the button to ask, and
// every PM question, newest first.
func (s *Server) pmArea(c *gin.Context) {
	per := s.opt.ThreadsPerPage
	page := pageParam(c)
	qs, total, err := s.db.PMQuestions(c.Request.Context(), reader(c), per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	title := s.t(c, "pm.title")
	s.render(c, http.StatusOK, "pm_area", pmAreaPage{
		Base: s.base(c, title, Crumb{Label: title}), Days: s.opt.PMAnswerWorkingDays, Questions: qs, Total: total,
		Pagination: paginate("/pm", page, pages), CanSeeQueue: auth.CanSeePMQueue(viewer(c)),
	})
}

type pmQueuePage struct {
	Base
	Filter     pmQueueFilter
	States     []string
	Fields     []store.TopicField
	Rows       []pmQueueRow
	Total      int
	Pagination pagination
	PMUsers    []store.User // who a question can be assigned to
	Return     string       // this page's address, where the row forms lead back
}

// pmQueueFilter is the queue filter as the page's GET form sends it.
type pmQueueFilter struct {
	Status  string // "" or a PM state
	Field   string // "" or a topic field slug
	Overdue bool
}

type pmQueueRow struct {
	store.Thread
	Overdue bool // at the time the queue was read
}

// pmQueue serves GET /pm/queue?status=&themenfeld=&ueberfaellig=1: the pm
// users' work queue. Everyone else gets 404, like the admin area. Unknown
// filter values are ignored, so a stale bookmark still shows the queue.
func (s *Server) pmQueue(c *gin.Context) {
	ctx := c.Request.Context()
	u := viewer(c)
	if !auth.CanSeePMQueue(u) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	fields, err := s.db.TopicFields(ctx, reader(c), true)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := pmQueueFilter{Overdue: c.Query("ueberfaellig") == "1"}
	if v := c.Query("status"); slices.Contains(store.PMStates, v) {
		f.Status = v
	}
	if v := c.Query("themenfeld"); slices.ContainsFunc(fields, func(tf store.TopicField) bool { return tf.Slug == v }) {
		f.Field = v
	}
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.Field != "" {
		q.Set("themenfeld", f.Field)
	}
	if f.Overdue {
		q.Set("ueberfaellig", "1")
	}
	base := "/pm/queue"
	if len(q) > 0 {
		base += "?" + q.Encode()
	}

	per := s.opt.ThreadsPerPage
	page := pageParam(c)
	now := time.Now()
	ts, total, err := s.pm.Queue(ctx, u, qa.QueueFilter{Status: f.Status, FieldSlug: f.Field, Overdue: f.Overdue}, now, per, (page-1)*per)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := pageCount(total, per)
	if page > pages {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	users, err := s.db.PMUsers(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := make([]pmQueueRow, len(ts))
	for i, t := range ts {
		rows[i] = pmQueueRow{Thread: t, Overdue: t.Overdue(now)}
	}
	title := s.t(c, "pm.queue.title")
	b := s.base(c, title, Crumb{Label: s.t(c, "pm.title"), URL: "/pm"}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, http.StatusOK, "pm_queue", pmQueuePage{
		Base: b, Filter: f, States: store.PMStates, Fields: fields, Rows: rows, Total: total,
		Pagination: paginate(base, page, pages), PMUsers: users, Return: c.Request.URL.RequestURI(),
	})
}

// backTo redirects to the local address in the form's "weiter" field, or
// to fallback when there is none.
func backTo(c *gin.Context, fallback string) {
	target := fallback
	if v := c.PostForm("weiter"); v != "" {
		target = localPath(v)
	}
	c.Redirect(http.StatusSeeOther, target)
}

// assignPM serves POST /t/:id/zuweisen (assignee: a user ID; weiter: the
// page to return to).
func (s *Server) assignPM(c *gin.Context) {
	id, _ := strconv.ParseInt(c.PostForm("assignee"), 10, 64)
	t, err := s.pm.Assign(c.Request.Context(), viewer(c), paramID(c, "id"), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.pm_assigned")
	backTo(c, t.URL())
}

// setPMStatus serves POST /t/:id/pm-status (status: neu or in_bearbeitung).
func (s *Server) setPMStatus(c *gin.Context) {
	t, err := s.pm.SetStatus(c.Request.Context(), viewer(c), paramID(c, "id"), c.PostForm("status"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.pm_status")
	backTo(c, t.URL())
}

// markOfficial serves POST /beitrag/:id/amtlich.
func (s *Server) markOfficial(c *gin.Context) {
	p, err := s.pm.MarkOfficial(c.Request.Context(), viewer(c), paramID(c, "id"), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.pm_official")
	s.redirectToPost(c, p.ID)
}

type officialVersionsPage struct {
	Base
	Thread   store.Thread
	Post     store.Post
	Versions []officialVersionView // newest first
}

type officialVersionView struct {
	store.OfficialVersion
	HTML template.HTML // sanitised by markup.Render when stored
}

// officialVersions serves GET /beitrag/:id/amtliche-versionen: every
// version of an official answer with its "Stand". A post that is not
// official has none (404).
func (s *Server) officialVersions(c *gin.Context) {
	p, t, ok := s.postAndThread(c)
	if !ok {
		return
	}
	if !p.Official() || !auth.CanSeeRevisions(viewer(c), t, p) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	vs, err := s.db.OfficialVersions(c.Request.Context(), p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]officialVersionView, len(vs))
	for i, v := range vs {
		views[i] = officialVersionView{OfficialVersion: v, HTML: template.HTML(v.BodyHTML)} // #nosec G203 -- sanitised by markup.Render (bluemonday) when stored
	}
	title := s.t(c, "pm.versions.title")
	b := s.base(c, title, Crumb{Label: t.FieldName, URL: "/themenfeld/" + t.FieldSlug}, Crumb{Label: t.Title, URL: t.URL()}, Crumb{Label: title})
	b.NoIndex = true
	s.render(c, http.StatusOK, "pm_versions", officialVersionsPage{Base: b, Thread: t, Post: p, Versions: views})
}

type pmStatsPage struct {
	Base
	Fields  []store.PMFieldStats
	Overall store.PMFieldStats
}

// pmStats serves GET /pm/statistik: PM questions per state and the median
// time to the first official answer, per topic field and overall. It holds
// counts only, no names.
func (s *Server) pmStats(c *gin.Context) {
	stats, err := s.pm.Stats(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	p := pmStatsPage{Base: s.base(c, s.t(c, "pm.stats.title"), Crumb{Label: s.t(c, "pm.title"), URL: "/pm"}, Crumb{Label: s.t(c, "pm.stats.title")})}
	if n := len(stats); n > 0 {
		p.Fields, p.Overall = stats[:n-1], stats[n-1]
	}
	s.render(c, http.StatusOK, "pm_stats", p)
}
