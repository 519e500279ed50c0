package web

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// privacyRoutes registers the DSGVO self-service: the data download and
// account deletion, and the admin's deletion on request.
func (s *Server) privacyRoutes(member, admin *gin.RouterGroup) {
	member.GET("/konto/daten", s.exportData)
	member.GET("/konto/loeschen", s.deleteAccountForm)
	member.POST("/konto/loeschen", s.deleteAccount)
	admin.GET("/benutzer/:id/loeschen", s.adminDeleteUserForm)
	admin.POST("/benutzer/:id/loeschen", s.adminDeleteUser)
}

// exportData serves GET /konto/daten: everything stored about the user as
// a JSON download (DSGVO Art. 15 and 20).
func (s *Server) exportData(c *gin.Context) {
	u := viewer(c)
	d, err := s.db.ExportPersonalData(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `attachment; filename="kommunalforum-daten-`+d.ExportedAt.Format("2006-01-02")+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

type deleteAccountPage struct {
	Base
	Form   Form
	Target *store.User // the account an admin deletes; nil for one's own
}

func (s *Server) deleteAccountForm(c *gin.Context) {
	s.renderDeleteAccount(c, http.StatusOK, newForm(c), nil)
}

func (s *Server) renderDeleteAccount(c *gin.Context, status int, f Form, target *store.User) {
	b := s.accountBase(c, "privacy_account.delete.title")
	s.render(c, status, "account_delete", deleteAccountPage{Base: b, Form: f, Target: target})
}

// deleteAccount serves POST /konto/loeschen.
func (s *Server) deleteAccount(c *gin.Context) {
	form := newForm(c, "password")
	password := takePassword(form, "password")
	err := s.accounts.DeleteOwnAccount(c.Request.Context(), viewer(c), password)
	if ve, ok := asValidation(err); ok {
		s.renderDeleteAccount(c, http.StatusUnprocessableEntity, s.withErrors(c, form, ve), nil)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.securityEvent(c, slog.LevelInfo, "account_deleted", slog.Bool("by_owner", true))
	s.clearCookie(c, cookieSession)
	s.setFlash(c, "flash.account_deleted")
	c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) adminDeleteUserForm(c *gin.Context) {
	u, err := s.db.UserByID(c.Request.Context(), paramID(c, "id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderDeleteAccount(c, http.StatusOK, newForm(c), &u)
}

// adminDeleteUser serves POST /admin/benutzer/:id/loeschen.
func (s *Server) adminDeleteUser(c *gin.Context) {
	err := s.accounts.DeleteAccountByAdmin(c.Request.Context(), viewer(c), paramID(c, "id"), c.PostForm("remove_posts") == "1")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.admin_user_deleted")
	c.Redirect(http.StatusSeeOther, "/admin/benutzer")
}
