package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/input"
	"kommunalforum/internal/notify"
	"kommunalforum/internal/store"
)

// notifyRoutes registers subscription settings, digests and unsubscribe.
func (s *Server) notifyRoutes(r *gin.Engine, member, admin, api, apiMember *gin.RouterGroup) {
	member.GET("/konto/benachrichtigungen", s.mailSettings)
	member.POST("/konto/benachrichtigungen", s.saveMailSettings)
	member.POST("/konto/benachrichtigungen/abo", s.watch)
	member.POST("/konto/benachrichtigungen/reaktivieren", s.reenableMail)
	member.GET("/konto/benachrichtigungen/vorschau", s.digestPreview)
	admin.GET("/benachrichtigungen/vorschau", s.digestPreview)
	admin.GET("/mail", s.adminMailLog)
	// The unsubscribe link works without login: the signed token is the
	// credential. A mail client's one-click POST carries neither Origin
	// nor Sec-Fetch-Site, so the CSRF check lets it through like any
	// non-browser client.
	r.GET("/mail/abbestellen", s.unsubscribeForm)
	r.POST("/mail/abbestellen", s.unsubscribe)
	apiMember.GET("/me/settings", s.apiMailSettings)
	apiMember.PUT("/me/settings", s.apiSaveMailSettings)
	apiMember.GET("/subscriptions", s.apiSubscriptions)
	apiMember.PUT("/subscriptions", s.apiSetSubscription)
}

// mailSettingsPage is the notification settings page.
type mailSettingsPage struct {
	Base
	Settings      store.MailSettings
	Form          Form
	Deliveries    []string
	Subscriptions []store.Subscription
	Levels        []string
	Bounce        store.Bounce
	DigestTime    string
}

func (s *Server) newMailSettingsPage(c *gin.Context) (mailSettingsPage, error) {
	ctx := c.Request.Context()
	u := viewer(c)
	m, err := s.db.MailSettingsOf(ctx, u.ID)
	if err != nil {
		return mailSettingsPage{}, err
	}
	subs, err := s.db.Subscriptions(ctx, reader(c), u.ID)
	if err != nil {
		return mailSettingsPage{}, err
	}
	b, err := s.db.BounceOf(ctx, u.Email)
	if err != nil {
		return mailSettingsPage{}, err
	}
	f := Form{Values: map[string]string{"delivery": m.Delivery, "field_delivery": m.FieldDelivery}}
	if m.Consented() {
		f.Values["consent"] = "1"
	}
	return mailSettingsPage{
		Base: s.base(c, s.t(c, "notify.settings.title"), Crumb{Label: s.t(c, "layout.account.your_account"), URL: "/konto"},
			Crumb{Label: s.t(c, "notify.settings.title")}),
		Settings: m, Form: f, Deliveries: store.Deliveries, Subscriptions: subs, Levels: store.Levels, Bounce: b,
		DigestTime: s.opt.DigestTime,
	}, nil
}

// mailSettings serves GET /konto/benachrichtigungen.
func (s *Server) mailSettings(c *gin.Context) {
	p, err := s.newMailSettingsPage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "settings_mail", p)
}

// checkDelivery validates the delivery choices of a form or API call.
func checkDelivery(delivery, fieldDelivery string) error {
	var ch input.Checker
	ch.OneOf("delivery", delivery, store.Deliveries)
	ch.OneOf("field_delivery", fieldDelivery, store.Deliveries)
	return ch.Err()
}

// saveMailSettings serves POST /konto/benachrichtigungen. The consent
// wording recorded is the label the user saw, in their language.
func (s *Server) saveMailSettings(c *gin.Context) {
	form := newForm(c, "delivery", "field_delivery", "consent")
	v := form.Values
	err := checkDelivery(v["delivery"], v["field_delivery"])
	if ve, ok := asValidation(err); ok {
		p, err := s.newMailSettingsPage(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Form = s.withErrors(c, form, ve)
		s.render(c, http.StatusUnprocessableEntity, "settings_mail", p)
		return
	}
	u := viewer(c)
	err = s.db.SaveMailSettings(c.Request.Context(), u.ID, v["delivery"], v["field_delivery"], v["consent"] == "1",
		s.t(c, "notify.settings.consent_label"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.notify_saved")
	c.Redirect(http.StatusSeeOther, "/konto/benachrichtigungen")
}

// watch serves POST /konto/benachrichtigungen/abo: the watch buttons of
// threads and fields. It answers like a missing page for targets the user
// may not see.
func (s *Server) watch(c *gin.Context) {
	ctx := c.Request.Context()
	form := newForm(c, "level", "thread_id", "field")
	level := form.Values["level"]
	if !validLevel(level) {
		s.failStatus(c, http.StatusUnprocessableEntity, "notify.error.level")
		return
	}
	fieldID, threadID, back, err := s.watchTarget(c, form.Values["field"], form.Values["thread_id"])
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.db.SetSubscription(ctx, viewer(c).ID, fieldID, threadID, level); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.notify_watch."+level)
	if strings.HasPrefix(c.PostForm("back"), "/konto/benachrichtigungen") {
		back = "/konto/benachrichtigungen"
	}
	c.Redirect(http.StatusSeeOther, back)
}

func validLevel(l string) bool {
	for _, x := range store.Levels {
		if l == x {
			return true
		}
	}
	return false
}

// watchTarget resolves a field slug or thread ID the viewer may see.
func (s *Server) watchTarget(c *gin.Context, slug, thread string) (fieldID, threadID int64, back string, err error) {
	ctx := c.Request.Context()
	if slug != "" {
		f, err := s.db.TopicFieldFor(ctx, reader(c), slug)
		if err != nil {
			return 0, 0, "", err
		}
		return f.ID, 0, "/themenfeld/" + f.Slug, nil
	}
	id, perr := strconv.ParseInt(thread, 10, 64)
	if perr != nil || id <= 0 {
		return 0, 0, "", store.ErrNotFound
	}
	t, err := s.db.ThreadFor(ctx, scope(c), id)
	if err != nil {
		return 0, 0, "", err
	}
	return 0, t.ID, t.URL(), nil
}

// reenableMail serves POST /konto/benachrichtigungen/reaktivieren: the
// banner's button after the user fixed their mailbox.
func (s *Server) reenableMail(c *gin.Context) {
	u := viewer(c)
	if err := s.db.ReenableMail(c.Request.Context(), u.ID, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.notify_reenabled")
	c.Redirect(http.StatusSeeOther, "/konto/benachrichtigungen")
}

// digestPreviewPage shows a user's next digest.
type digestPreviewPage struct {
	Base
	Digest    notify.DigestView
	Subject   store.User // whose digest it is
	Frequency string
	Admin     bool // previewing someone else's (admin)
}

// digestPreview serves GET /konto/benachrichtigungen/vorschau and, for
// admins, GET /admin/benachrichtigungen/vorschau?benutzer=ID.
func (s *Server) digestPreview(c *gin.Context) {
	ctx := c.Request.Context()
	u := viewer(c)
	subject := *u
	admin := strings.HasPrefix(c.Request.URL.Path, "/admin/")
	if admin {
		id, err := strconv.ParseInt(c.Query("benutzer"), 10, 64)
		if err != nil {
			s.failStatus(c, http.StatusNotFound, "error.not_found")
			return
		}
		if subject, err = s.db.UserByID(ctx, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	freq := c.Query("haeufigkeit")
	if freq != notify.Daily && freq != notify.Weekly {
		m, err := s.db.MailSettingsOf(ctx, subject.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		freq = notify.Daily
		if m.Delivery == store.DeliveryWeekly || (m.Delivery != store.DeliveryDaily && m.FieldDelivery == store.DeliveryWeekly) {
			freq = notify.Weekly
		}
	}
	if s.opt.Notify == nil {
		s.fail(c, errors.New("digest preview: no notifier configured"))
		return
	}
	d, err := s.opt.Notify.Preview(ctx, subject.ID, freq, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	p := digestPreviewPage{Base: s.base(c, s.t(c, "notify.preview.title")), Digest: d, Subject: subject, Frequency: freq, Admin: admin}
	p.NoIndex = true
	s.render(c, http.StatusOK, "digest_preview", p)
}

// adminMailLogPage is the admin mail log.
type adminMailLogPage struct {
	Base
	Entries  []store.MailLogEntry
	Status   string
	Statuses []string
	Pending  int
	Sent     int
	Failed   int
}

// adminMailLog serves GET /admin/mail?status=.
func (s *Server) adminMailLog(c *gin.Context) {
	ctx := c.Request.Context()
	status := c.Query("status")
	if status != store.MailSent && status != store.MailFailed && status != store.MailSkipped {
		status = ""
	}
	es, err := s.db.MailLog(ctx, status, 200, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := adminMailLogPage{Base: s.base(c, s.t(c, "notify.admin_log.title"), Crumb{Label: s.t(c, "layout.account.admin")}),
		Entries: es, Status: status, Statuses: []string{store.MailSent, store.MailFailed, store.MailSkipped}}
	if p.Pending, p.Sent, p.Failed, err = s.db.OutboxStats(ctx); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_mail_log", p)
}

// unsubscribePage offers "less often" before "never" for one stream.
type unsubscribePage struct {
	Base
	UserID    int64
	Stream    string
	Token     string
	Kind      string // thread, field, digest
	Target    string // the thread title or field name
	Frequency string // digest frequency
	LessOften string // the choice offered before "never" ("" when none)
	Done      string // the choice applied (after POST)
}

// unsubscribeLink checks the link's user, stream and token; a forged or
// altered link is 403 (a 4xx a mail client understands as refused).
func (s *Server) unsubscribeLink(c *gin.Context) (int64, notify.Stream, string, bool) {
	uid, err := strconv.ParseInt(c.Query("u"), 10, 64)
	st, serr := notify.ParseStream(c.Query("s"))
	tok := c.Query("t")
	if err != nil || serr != nil || s.opt.Notify == nil || !s.opt.Notify.Tokens().Valid(uid, st, tok) {
		s.failStatus(c, http.StatusForbidden, "notify.unsubscribe.invalid")
		return 0, notify.Stream{}, "", false
	}
	return uid, st, tok, true
}

// unsubscribeForm serves GET /mail/abbestellen: a confirmation page, since
// link scanners follow GET links and must not unsubscribe anybody.
func (s *Server) unsubscribeForm(c *gin.Context) {
	uid, st, tok, ok := s.unsubscribeLink(c)
	if !ok {
		return
	}
	p, err := s.newUnsubscribePage(c, uid, st, tok)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "unsubscribe", p)
}

func (s *Server) newUnsubscribePage(c *gin.Context, uid int64, st notify.Stream, tok string) (unsubscribePage, error) {
	ctx := c.Request.Context()
	p := unsubscribePage{Base: s.base(c, s.t(c, "notify.unsubscribe.title")), UserID: uid, Stream: st.String(), Token: tok, Kind: st.Kind}
	p.NoIndex = true
	switch st.Kind {
	case notify.StreamThread:
		t, err := s.db.ThreadByID(ctx, st.ID)
		if err != nil {
			return p, err
		}
		p.Target, p.LessOften = t.Title, store.LevelTracking
	case notify.StreamField:
		f, err := s.db.TopicFieldByID(ctx, st.ID)
		if err != nil {
			return p, err
		}
		p.Target, p.LessOften = f.Name, store.LevelTracking
	case notify.StreamDigest:
		p.Frequency = st.Freq
		if st.Freq == notify.Daily {
			p.LessOften = store.DeliveryWeekly
		}
	}
	return p, nil
}

// unsubscribe serves POST /mail/abbestellen: RFC 8058 one-click (body
// List-Unsubscribe=One-Click, answered 200 without redirect) and the
// page's own buttons (choice=less or never). Unsubscribing stops only
// the link's stream: the thread or field is muted, the digest of that
// frequency is switched off (or to weekly for "less often").
func (s *Server) unsubscribe(c *gin.Context) {
	uid, st, tok, ok := s.unsubscribeLink(c)
	if !ok {
		return
	}
	oneClick := c.PostForm("List-Unsubscribe") == "One-Click"
	less := !oneClick && c.PostForm("choice") == "less"
	ctx := c.Request.Context()
	var err error
	done := "never"
	switch st.Kind {
	case notify.StreamThread, notify.StreamField:
		var fid, tid int64
		if st.Kind == notify.StreamThread {
			tid = st.ID
		} else {
			fid = st.ID
		}
		if less {
			err, done = s.db.SetSubscription(ctx, uid, fid, tid, store.LevelTracking), "less"
		} else {
			err = s.db.Unsubscribe(ctx, uid, fid, tid, "", "")
		}
	case notify.StreamDigest:
		to := store.DeliveryOff
		if less && st.Freq == notify.Daily {
			to, done = store.DeliveryWeekly, "less"
		}
		err = s.db.Unsubscribe(ctx, uid, 0, 0, st.Freq, to)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if oneClick {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusOK, s.t(c, "notify.unsubscribe.done_plain")+"\n")
		return
	}
	p, err := s.newUnsubscribePage(c, uid, st, tok)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Done = done
	s.render(c, http.StatusOK, "unsubscribe", p)
}

// threadWatch fills the thread page's watch level and records that the
// logged-in viewer has read the thread up to the last post shown.
func (s *Server) threadWatch(c *gin.Context, p *threadPage) error {
	u := viewer(c)
	if u == nil {
		return nil
	}
	ctx := c.Request.Context()
	level, err := s.db.SubscriptionLevel(ctx, u.ID, 0, p.Thread.ID)
	if err != nil {
		return err
	}
	p.Watch = level
	var last int64
	for _, v := range p.Posts {
		last = max(last, v.ID)
	}
	if last == 0 {
		return nil
	}
	read, err := s.db.LastReadPost(ctx, u.ID, p.Thread.ID)
	if err != nil || read >= last {
		return err // already recorded: no write on every view
	}
	return s.db.MarkThreadRead(ctx, u.ID, p.Thread.ID, last)
}

// apiMailSettings is the JSON form of a user's delivery settings.
type apiMailSettings struct {
	Delivery      string     `json:"delivery"`
	FieldDelivery string     `json:"field_delivery"`
	MailConsent   bool       `json:"mail_consent"`
	ConsentAt     *time.Time `json:"consent_at,omitempty"`
	ConsentText   string     `json:"consent_text,omitempty"`
	MailDisabled  bool       `json:"mail_disabled"`
}

func (s *Server) writeMailSettings(c *gin.Context, status int) {
	ctx := c.Request.Context()
	u := viewer(c)
	m, err := s.db.MailSettingsOf(ctx, u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.db.BounceOf(ctx, u.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiMailSettings{Delivery: m.Delivery, FieldDelivery: m.FieldDelivery, MailConsent: m.Consented(),
		ConsentText: m.ConsentText, MailDisabled: b.Disabled()}
	if m.Consented() {
		at := m.ConsentAt
		out.ConsentAt = &at
	}
	s.writeJSON(c, status, out)
}

// apiMailSettings serves GET /api/v1/me/settings.
func (s *Server) apiMailSettings(c *gin.Context) { s.writeMailSettings(c, http.StatusOK) }

// apiSaveMailSettings serves PUT /api/v1/me/settings. Omitted fields keep
// their value; mail_consent records the settings page's wording.
func (s *Server) apiSaveMailSettings(c *gin.Context) {
	var in struct {
		Delivery      *string `json:"delivery"`
		FieldDelivery *string `json:"field_delivery"`
		MailConsent   *bool   `json:"mail_consent"`
	}
	if !s.decodeJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	u := viewer(c)
	m, err := s.db.MailSettingsOf(ctx, u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	delivery, fieldDelivery, consent := m.Delivery, m.FieldDelivery, m.Consented()
	if in.Delivery != nil {
		delivery = *in.Delivery
	}
	if in.FieldDelivery != nil {
		fieldDelivery = *in.FieldDelivery
	}
	if in.MailConsent != nil {
		consent = *in.MailConsent
	}
	if err := checkDelivery(delivery, fieldDelivery); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.db.SaveMailSettings(ctx, u.ID, delivery, fieldDelivery, consent, s.t(c, "notify.settings.consent_label")); err != nil {
		s.fail(c, err)
		return
	}
	s.writeMailSettings(c, http.StatusOK)
}

// apiSubscription is the JSON form of a subscription.
type apiSubscription struct {
	TopicField string `json:"topic_field,omitempty"`
	ThreadID   int64  `json:"thread_id,omitempty"`
	Title      string `json:"title"`
	Level      string `json:"level"`
	Auto       bool   `json:"auto"`
	URL        string `json:"url"`
}

func toAPISubscription(x store.Subscription) apiSubscription {
	a := apiSubscription{ThreadID: x.ThreadID, Title: x.Title, Level: x.Level, Auto: x.Auto, URL: x.URL}
	if x.ThreadID == 0 {
		a.TopicField = x.FieldSlug
	}
	return a
}

// apiSubscriptions serves GET /api/v1/subscriptions.
func (s *Server) apiSubscriptions(c *gin.Context) {
	subs, err := s.db.Subscriptions(c.Request.Context(), reader(c), viewer(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiSubscription, len(subs))
	for i, x := range subs {
		out[i] = toAPISubscription(x)
	}
	s.writeJSON(c, http.StatusOK, struct {
		Subscriptions []apiSubscription `json:"subscriptions"`
	}{out})
}

// apiSetSubscription serves PUT /api/v1/subscriptions with
// {"topic_field": slug} or {"thread_id": N} and a level.
func (s *Server) apiSetSubscription(c *gin.Context) {
	var in struct {
		TopicField string `json:"topic_field"`
		ThreadID   int64  `json:"thread_id"`
		Level      string `json:"level"`
	}
	if !s.decodeJSON(c, &in) {
		return
	}
	var ch input.Checker
	ch.OneOf("level", in.Level, store.Levels)
	if (in.TopicField == "") == (in.ThreadID == 0) {
		ch.Add("topic_field", "notify.error.target")
	}
	if err := ch.Err(); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	fieldID, threadID, _, err := s.watchTarget(c, in.TopicField, strconv.FormatInt(in.ThreadID, 10))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.db.SetSubscription(ctx, viewer(c).ID, fieldID, threadID, in.Level); err != nil {
		s.fail(c, err)
		return
	}
	subs, err := s.db.Subscriptions(ctx, reader(c), viewer(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, x := range subs {
		if x.TopicFieldID == fieldID && x.ThreadID == threadID {
			s.writeJSON(c, http.StatusOK, toAPISubscription(x))
			return
		}
	}
	s.fail(c, store.ErrNotFound)
}

// unsubscribeAction is the form action of the unsubscribe page.
func (p unsubscribePage) Action() string {
	q := url.Values{"u": {strconv.FormatInt(p.UserID, 10)}, "s": {p.Stream}, "t": {p.Token}}
	return "/mail/abbestellen?" + q.Encode()
}

// MailDisabledBanner reports whether the layout shows the banner that mail
// to the user's address is switched off (see store.User.MailDisabled).
func (b Base) MailDisabledBanner() bool { return b.User != nil && b.User.MailDisabled }
