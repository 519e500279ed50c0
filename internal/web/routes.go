package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/store"
)

// routes is the whole URL map, grouped by who may call it.
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.observe, s.requestIDs, s.recovery, s.securityHeaders, limitBody, s.csrf(), s.admitReads, s.identify, s.logPrivileged, s.idempotency)
	if s.pageCache != nil {
		r.Use(s.cachePages)
	}
	r.NoRoute(func(c *gin.Context) { s.failStatus(c, http.StatusNotFound, "error.not_found") })
	r.NoMethod(func(c *gin.Context) { s.failStatus(c, http.StatusMethodNotAllowed, "error.method") })

	r.GET("/healthz", s.healthz)
	r.HEAD("/healthz", s.healthz) // uptime monitors often ask with HEAD
	r.GET("/assets/*path", s.asset)
	r.HEAD("/assets/*path", s.asset)
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/assets/img/favicon.svg") })

	// Everyone.
	r.GET("/", s.home)
	r.GET("/themenfeld/:slug", s.showField)
	r.GET("/t/:id", s.showThread)
	r.GET("/beitrag/:id", s.postPermalink)
	r.GET("/beitrag/:id/versionen", s.postRevisions)
	r.GET("/u/:id", s.showProfile)
	r.POST("/sprache", s.setLanguage)

	// Accounts. With local login off, the password login, registration and
	// the password change are refused: registration would create accounts
	// nobody can use and send mail to any address typed in. The reset stays:
	// an existing account links its first single sign-on with its password
	// (oidc.go), which its owner may have to reset first.
	local := s.requireLocalLogin
	r.GET("/registrieren", local, s.registerForm)
	r.POST("/registrieren", local, s.register)
	r.GET("/bestaetigen", s.confirmForm("account.confirm.verify_title", "account.confirm.verify_intro", "account.confirm.verify_button"))
	r.POST("/bestaetigen", s.verifyEmail)
	r.GET("/anmelden", s.loginForm)
	r.POST("/anmelden", local, s.login)
	r.POST("/abmelden", s.logout)
	r.GET("/passwort-vergessen", s.forgotForm)
	r.POST("/passwort-vergessen", s.forgot)
	r.GET("/passwort-neu", s.resetForm)
	r.POST("/passwort-neu", s.reset)
	r.GET("/email-bestaetigen", s.confirmForm("account.confirm.email_title", "account.confirm.email_intro", "account.confirm.email_button"))
	r.POST("/email-bestaetigen", s.confirmEmailChange)
	s.oidcRoutes(r) // Single sign-on through an OpenID Connect provider (oidc.go).

	// Logged-in members.
	member := r.Group("/", s.requireUser)
	member.GET("/neues-thema", s.newThreadForm)
	member.POST("/neues-thema", s.createThread)
	member.POST("/t/:id/antworten", s.reply)
	member.GET("/beitrag/:id/bearbeiten", s.editPostForm)
	member.POST("/beitrag/:id/bearbeiten", s.editPost)
	member.GET("/beitrag/:id/loeschen", s.deletePostForm)
	member.POST("/beitrag/:id/loeschen", s.deletePost)
	member.POST("/t/:id/sperren", s.lockThread(true))
	member.POST("/t/:id/entsperren", s.lockThread(false))
	member.GET("/konto", s.settings)
	member.POST("/konto/profil", s.updateProfile)
	member.POST("/konto/passwort", local, s.changePassword)
	member.POST("/konto/email", s.changeEmail)
	member.POST("/konto/token", s.createToken)

	// Administrators.
	admin := r.Group("/admin", s.requireUser, s.requireAdmin)
	admin.GET("/themenfelder", s.adminFields)
	admin.GET("/themenfelder/neu", s.adminFieldForm)
	admin.POST("/themenfelder/neu", s.adminSaveField)
	admin.GET("/themenfelder/:id", s.adminFieldForm)
	admin.POST("/themenfelder/:id", s.adminSaveField)
	admin.POST("/themenfelder/:id/hoch", s.adminMoveField(-1))
	admin.POST("/themenfelder/:id/runter", s.adminMoveField(+1))
	admin.POST("/themenfelder/:id/archivieren", s.adminArchiveField(true))
	admin.POST("/themenfelder/:id/wiederherstellen", s.adminArchiveField(false))
	admin.GET("/benutzer", s.adminUsers)
	admin.POST("/benutzer/:id/freischalten", s.adminApproveUser)
	admin.GET("/protokoll", s.adminAudit)
	s.privacyRoutes(member, admin) // Data download and account deletion (privacy.go).
	s.pageRoutes(r, admin)         // Privacy, imprint, accessibility, plain language; barrier reports (pages.go).

	// JSON API: session cookie (+CSRF check above) or Bearer token.
	api := r.Group("/api/v1")
	api.GET("/topic-fields", s.apiTopicFields)
	api.GET("/threads/:id", s.apiThread)
	api.GET("/similar", s.apiSimilar) // Similar questions.
	apiMember := api.Group("/", s.requireUser)
	apiMember.POST("/threads", s.apiCreateThread)
	apiMember.POST("/threads/:id/posts", s.apiCreatePost)
	apiMember.PATCH("/posts/:id", s.apiEditPost)
	apiMember.DELETE("/posts/:id", s.apiDeletePost)

	// Questions and answers.
	r.GET("/fragen", s.questions)
	member.POST("/beitrag/:id/abstimmen", s.vote)
	member.POST("/t/:id/akzeptieren", s.acceptAnswer)
	member.POST("/t/:id/duplikat", s.closeDuplicate)
	member.POST("/t/:id/wiedereroeffnen", s.reopenQuestion)
	apiMember.POST("/posts/:id/votes", s.apiVote)
	apiMember.POST("/threads/:id/accept", s.apiAccept)
	apiMember.POST("/threads/:id/duplicate", s.apiDuplicate)

	// Programme management.
	r.GET("/pm", s.pmArea)
	r.GET("/pm/statistik", s.pmStats)
	r.GET("/beitrag/:id/amtliche-versionen", s.officialVersions)
	member.GET("/pm/queue", s.pmQueue)
	member.POST("/beitrag/:id/amtlich", s.markOfficial)
	member.POST("/t/:id/zuweisen", s.assignPM)
	member.POST("/t/:id/pm-status", s.setPMStatus)
	apiMember.POST("/posts/:id/official", s.apiMarkOfficial)
	apiMember.GET("/pm/queue", s.apiPMQueue)
	apiMember.POST("/threads/:id/assign", s.apiAssignPM)

	// FAQs.
	r.GET("/faq", s.faqOverview)
	r.GET("/faq/:id", s.showFAQ)
	r.GET("/themenfeld/:slug/faq", s.fieldFAQ)
	member.GET("/faq/neu", s.newFAQForm)
	member.POST("/faq/neu", s.createFAQ)
	member.POST("/beitrag/:id/in-faq", s.promoteToFAQ)
	member.GET("/faq/:id/bearbeiten", s.editFAQForm)
	member.POST("/faq/:id/bearbeiten", s.editFAQ)
	member.POST("/faq/:id/veroeffentlichen", s.publishFAQ)
	member.POST("/faq/:id/zurueckziehen", s.unpublishFAQ)
	member.POST("/faq/:id/archivieren", s.archiveFAQ)
	member.POST("/faq/:id/hoch", s.moveFAQ(-1))
	member.POST("/faq/:id/runter", s.moveFAQ(+1))
	member.GET("/faq/:id/versionen", s.faqVersions)
	api.GET("/faqs", s.apiFAQs)
	api.GET("/faqs/:id", s.apiFAQ)
	apiMember.POST("/faqs", s.apiCreateFAQ)
	apiMember.PATCH("/faqs/:id", s.apiPatchFAQ)

	// Moderation.
	member.GET("/moderation", s.reviewQueue)
	member.GET("/moderation/protokoll", s.modAudit)
	member.GET("/beitrag/:id/melden", s.flagForm)
	member.POST("/beitrag/:id/melden", s.flagPost)
	member.GET("/beitrag/:id/ausblenden", s.reasonForm(hidePostAction))
	member.POST("/beitrag/:id/ausblenden", s.reasonSubmit(hidePostAction))
	member.POST("/beitrag/:id/einblenden", s.postAction("flash.mod_post_unhidden", unhidePost))
	member.POST("/beitrag/:id/meldungen-verwerfen", s.postAction("flash.mod_flags_dismissed", dismissFlags))
	member.GET("/beitrag/:id/moderieren", s.modEditForm)
	member.POST("/beitrag/:id/moderieren", s.modEdit)
	member.POST("/beitrag/:id/freigeben", s.postAction("flash.mod_post_approved", approvePost))
	member.GET("/beitrag/:id/ablehnen", s.reasonForm(rejectAction))
	member.POST("/beitrag/:id/ablehnen", s.reasonSubmit(rejectAction))
	member.POST("/t/:id/anheften", s.pinThread(true))
	member.POST("/t/:id/loesen", s.pinThread(false))
	member.GET("/t/:id/ausblenden", s.reasonForm(hideThreadAction))
	member.POST("/t/:id/ausblenden", s.reasonSubmit(hideThreadAction))
	member.POST("/t/:id/einblenden", s.unhideThread)
	member.POST("/t/:id/verschieben", s.moveThread)
	member.GET("/moderation/benutzer/:id", s.suspendForm)
	member.POST("/moderation/benutzer/:id/schreibsperre", s.suspendUser)
	member.POST("/moderation/benutzer/:id/schreibsperre-aufheben", s.liftSuspension)
	admin.GET("/moderation", s.adminModerators)
	admin.POST("/themenfelder/:id/moderatoren", s.adminAddModerator)
	admin.POST("/themenfelder/:id/moderatoren/:user/entfernen", s.adminRemoveModerator)
	apiMember.POST("/posts/:id/flags", s.apiFlagPost)
	apiMember.GET("/review", s.apiReviewQueue)
	apiMember.POST("/threads/:id/lock", s.apiThreadAction(store.ThreadLock))
	apiMember.POST("/threads/:id/unlock", s.apiThreadAction(store.ThreadUnlock))
	apiMember.POST("/threads/:id/pin", s.apiThreadAction(store.ThreadPin))
	apiMember.POST("/threads/:id/unpin", s.apiThreadAction(store.ThreadUnpin))
	apiMember.POST("/threads/:id/hide", s.apiThreadAction(store.ThreadHide))
	apiMember.POST("/threads/:id/unhide", s.apiThreadAction(store.ThreadUnhide))
	apiMember.POST("/threads/:id/move", s.apiMoveThread)
	apiMember.POST("/posts/:id/hide", s.apiPostVisibility(true))
	apiMember.POST("/posts/:id/unhide", s.apiPostVisibility(false))
	apiMember.POST("/users/:id/suspend", s.apiSuspend)
	apiMember.POST("/users/:id/unsuspend", s.apiUnsuspend)
	apiMember.POST("/topic-fields/:slug/moderators", s.apiAddModerator)
	apiMember.GET("/audit", s.apiAudit)

	// Protected areas (group.go).
	admin.GET("/gruppen", s.adminGroups)
	admin.POST("/gruppen", s.adminCreateGroup)
	admin.POST("/gruppen/:id/mitglieder", s.adminAddGroupMember)
	admin.POST("/gruppen/:id/mitglieder/:user/entfernen", s.adminRemoveGroupMember)
	admin.POST("/themenfelder/:id/zugriff", s.adminFieldAccess)
	apiMember.POST("/groups", s.apiCreateGroup)
	apiMember.POST("/groups/:slug/members", s.apiAddGroupMember)
	apiMember.PATCH("/topic-fields/:slug", s.apiPatchField)

	s.searchRoutes(r, api)                           // Search (search.go).
	s.notifyRoutes(r, member, admin, api, apiMember) // Subscriptions and mail (notify.go).
	s.feedRoutes(r, member, admin, api)              // Feeds, metrics, OpenAPI (feeds.go).
}

// healthz answers 200 when the database answers.
func (s *Server) healthz(c *gin.Context) {
	if err := s.db.Ping(c.Request.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}
