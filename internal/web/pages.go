package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/input"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/store"
)

// sitePages are the fixed pages an operator words for the installation:
// URL slug and catalogue prefix of the built-in text.
var sitePages = []struct{ slug, key string }{
	{"datenschutz", "static.privacy"},
	{"impressum", "static.imprint"},
	{"barrierefreiheit", "static.accessibility"},
	{"leichte-sprache", "static.easy"},
}

// feedbackSlug is the page that carries the barrier report form.
const feedbackSlug = "barrierefreiheit"

func pageKey(slug string) (string, bool) {
	i := slices.IndexFunc(sitePages, func(p struct{ slug, key string }) bool { return p.slug == slug })
	if i < 0 {
		return "", false
	}
	return sitePages[i].key, true
}

// pageRoutes registers the fixed pages, the barrier report form and their
// administration.
func (s *Server) pageRoutes(r *gin.Engine, admin *gin.RouterGroup) {
	for _, p := range sitePages {
		r.GET("/"+p.slug, s.showSitePage(p.slug))
	}
	r.POST("/"+feedbackSlug, s.sendFeedback)
	admin.GET("/seiten", s.adminPages)
	admin.GET("/seiten/:slug/:lang", s.adminPageForm)
	admin.POST("/seiten/:slug/:lang", s.adminSavePage)
	admin.POST("/seiten/:slug/:lang/zuruecksetzen", s.adminResetPage)
	admin.GET("/rueckmeldungen", s.adminFeedback)
	admin.POST("/rueckmeldungen/:id/erledigt", s.adminFeedbackHandled)
}

// textPage is a fixed page: the operator's wording or the built-in text.
type textPage struct {
	Base
	Slug     string
	BodyHTML template.HTML
	Page     store.SitePage // FromInstallation false: built-in text
	Feedback Form           // the barrier report form (accessibility page only)
	Sent     bool
}

// sitePage loads the operator's wording for the request's language, or
// renders the built-in Markdown from the catalogue.
func (s *Server) sitePage(c *gin.Context, slug string) (store.SitePage, error) {
	lang := s.lang(c)
	p, err := s.db.SitePageFor(c.Request.Context(), slug, lang)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return p, err
	}
	key, _ := pageKey(slug)
	body := s.cat.T(lang, key+".body")
	return store.SitePage{Slug: slug, Lang: lang, Title: s.t(c, key+".title"), Body: body, BodyHTML: markup.Render(body)}, nil
}

func (s *Server) showSitePage(slug string) gin.HandlerFunc {
	return func(c *gin.Context) { s.renderSitePage(c, http.StatusOK, slug, newForm(c), false) }
}

func (s *Server) renderSitePage(c *gin.Context, status int, slug string, f Form, sent bool) {
	p, err := s.sitePage(c, slug)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The HTML was sanitised by markup.Render when it was saved or built.
	s.render(c, status, "text", textPage{Base: s.base(c, p.Title, Crumb{Label: p.Title}), Slug: slug,
		BodyHTML: template.HTML(p.BodyHTML), Page: p, Feedback: f, Sent: sent}) // #nosec G203 -- sanitised by markup.Render
}

// sendFeedback serves POST /barrierefreiheit: a report of a barrier. It is
// stored and mailed to every admin in one transaction.
func (s *Server) sendFeedback(c *gin.Context) {
	form := newForm(c, "message", "name", "email")
	var chk input.Checker
	msg := chk.Multiline("message", form.Values["message"], true, 10, 5000)
	name := chk.Text("name", form.Values["name"], false, 0, 100)
	email := ""
	if form.Values["email"] != "" {
		email = chk.Email("email", form.Values["email"])
	}
	if err := chk.Err(); err != nil {
		ve, _ := asValidation(err)
		s.renderSitePage(c, http.StatusUnprocessableEntity, feedbackSlug, s.withErrors(c, form, ve), false)
		return
	}
	if !s.allow(c, s.registerLimit, clientIP(c)) {
		s.renderSitePage(c, http.StatusTooManyRequests, feedbackSlug, withProblem(form, s.t(c, "error.rate_limited")), false)
		return
	}
	f := store.Feedback{PageURL: localPath(c.PostForm("seite")), Name: name, Email: email, Message: msg}
	if u := viewer(c); u != nil {
		f.UserID = u.ID
	}
	notices, err := s.accounts.AdminNotices(c.Request.Context(), "accessibility_feedback", f, s.opt.DefaultLanguage)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.db.AddFeedback(c.Request.Context(), f, notices); err != nil {
		s.fail(c, err)
		return
	}
	s.opt.MailWake()
	s.renderSitePage(c, http.StatusOK, feedbackSlug, newForm(c), true)
}

type adminPagesPage struct {
	adminBase
	Pages []adminPageRow
}

type adminPageRow struct {
	Slug, Lang, Title string
	Custom            bool
}

func (s *Server) adminPages(c *gin.Context) {
	b := s.adminBase(c, "pages", s.t(c, "pages.admin.title"))
	var rows []adminPageRow
	for _, p := range sitePages {
		for _, lang := range s.cat.Languages() {
			row := adminPageRow{Slug: p.slug, Lang: lang, Title: s.cat.T(lang, p.key+".title")}
			if sp, err := s.db.SitePageFor(c.Request.Context(), p.slug, lang); err == nil {
				row.Title, row.Custom = sp.Title, true
			}
			rows = append(rows, row)
		}
	}
	s.render(c, http.StatusOK, "admin_pages", adminPagesPage{adminBase: b, Pages: rows})
}

type adminPageFormPage struct {
	adminBase
	Slug, Lang string
	Form       Form
	Custom     bool
}

// pageParams checks :slug and :lang; unknown ones are 404.
func (s *Server) pageParams(c *gin.Context) (string, string, bool) {
	slug, lang := c.Param("slug"), c.Param("lang")
	if _, ok := pageKey(slug); !ok || !s.cat.Has(lang) {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return "", "", false
	}
	return slug, lang, true
}

func (s *Server) adminPageForm(c *gin.Context) {
	slug, lang, ok := s.pageParams(c)
	if !ok {
		return
	}
	key, _ := pageKey(slug)
	f := Form{Values: map[string]string{"title": s.cat.T(lang, key+".title"), "body": s.cat.T(lang, key+".body")}, Order: []string{"title", "body"}}
	sp, err := s.db.SitePageFor(c.Request.Context(), slug, lang)
	if err == nil {
		f.Values["title"], f.Values["body"] = sp.Title, sp.Body
	}
	s.renderPageForm(c, http.StatusOK, slug, lang, f, err == nil)
}

func (s *Server) renderPageForm(c *gin.Context, status int, slug, lang string, f Form, custom bool) {
	title := s.t(c, "pages.admin.edit_title", slug, lang)
	b := s.adminBase(c, "pages", title, Crumb{Label: s.t(c, "pages.admin.title"), URL: "/admin/seiten"}, Crumb{Label: title})
	s.render(c, status, "admin_page_form", adminPageFormPage{adminBase: b, Slug: slug, Lang: lang, Form: f, Custom: custom})
}

func (s *Server) adminSavePage(c *gin.Context) {
	slug, lang, ok := s.pageParams(c)
	if !ok {
		return
	}
	form := newForm(c, "title", "body")
	var chk input.Checker
	title := chk.Text("title", form.Values["title"], true, 3, 120)
	body := chk.Multiline("body", form.Values["body"], true, 10, 50000)
	if err := chk.Err(); err != nil {
		ve, _ := asValidation(err)
		s.renderPageForm(c, http.StatusUnprocessableEntity, slug, lang, s.withErrors(c, form, ve), false)
		return
	}
	err := s.db.SaveSitePage(c.Request.Context(), viewer(c).ID, store.SitePage{Slug: slug, Lang: lang, Title: title, Body: body, BodyHTML: markup.Render(body)})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.page_saved")
	c.Redirect(http.StatusSeeOther, "/admin/seiten")
}

func (s *Server) adminResetPage(c *gin.Context) {
	slug, lang, ok := s.pageParams(c)
	if !ok {
		return
	}
	if err := s.db.ResetSitePage(c.Request.Context(), viewer(c).ID, slug, lang); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.page_reset")
	c.Redirect(http.StatusSeeOther, "/admin/seiten")
}

type adminFeedbackPage struct {
	adminBase
	Items []store.Feedback
}

func (s *Server) adminFeedback(c *gin.Context) {
	items, err := s.db.FeedbackList(c.Request.Context(), 200)
	if err != nil {
		s.fail(c, err)
		return
	}
	b := s.adminBase(c, "feedback", s.t(c, "pages.feedback_admin.title"))
	s.render(c, http.StatusOK, "admin_feedback", adminFeedbackPage{adminBase: b, Items: items})
}

func (s *Server) adminFeedbackHandled(c *gin.Context) {
	if err := s.db.MarkFeedbackHandled(c.Request.Context(), viewer(c).ID, paramID(c, "id")); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.feedback_handled")
	c.Redirect(http.StatusSeeOther, "/admin/rueckmeldungen")
}
