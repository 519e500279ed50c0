package web

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// asset serves the embedded static files. URLs carry a content hash (see
// renderer.assets), so they may be cached for a year.
func (s *Server) asset(c *gin.Context) {
	p := strings.TrimPrefix(path.Clean(c.Param("path")), "/")
	b, err := fs.ReadFile(s.opt.Assets, p)
	if err != nil {
		s.failStatus(c, http.StatusNotFound, "error.not_found")
		return
	}
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = "application/octet-stream"
	}
	if c.Query("v") != "" {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	c.Data(http.StatusOK, ct, b)
}

// setLanguage stores the chosen language (in the profile when logged in,
// in a cookie either way) and returns to the page the user came from.
func (s *Server) setLanguage(c *gin.Context) {
	lang := c.PostForm("lang")
	if !s.cat.Has(lang) {
		s.failStatus(c, http.StatusBadRequest, "error.bad_request")
		return
	}
	s.setCookie(c, cookieLang, lang, 365*24*time.Hour)
	if u := viewer(c); u != nil && u.Language != lang {
		if err := s.db.UpdateProfile(c.Request.Context(), u.ID, u.DisplayName, u.OrgName, u.OrgType, lang); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("return")))
}

// localPath accepts only a path on this site as a redirect target, so a
// crafted "return" or "weiter" cannot send users elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
