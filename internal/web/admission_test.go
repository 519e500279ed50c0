package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestReadAdmission(t *testing.T) {
	e := newTestEnv(t, func(o *Options, _ *authPolicy) { o.MaxConcurrentReads = 1 })
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "bauen-wohnen", "Digitaler Bauantrag", "Wer nutzt schon den digitalen Bauantrag?")
	token := e.token(anna)

	// The one read slot is taken, as by a long page view.
	e.srv.reads <- struct{}{}

	// A reader waits; one that gives up gets no page (logged as 499).
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	wantStatus(t, w, statusClientClosed, "read while the slot is taken")

	// Writes, health checks and metrics never wait for a read slot.
	tests := []struct {
		name string
		r    req
		want int
	}{
		{"post via API", req{method: http.MethodPost, path: "/api/v1/threads/" + itoa(th.ID) + "/posts",
			json: `{"body":"Wir nutzen ihn seit März."}`, header: map[string]string{"Authorization": "Bearer " + token}}, http.StatusCreated},
		{"health check", req{method: http.MethodGet, path: "/healthz"}, http.StatusOK},
	}
	for _, tt := range tests {
		done := make(chan *httptest.ResponseRecorder, 1)
		go func() { done <- e.do(tt.r) }()
		select {
		case w := <-done:
			wantStatus(t, w, tt.want, tt.name)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s waited for the read slot", tt.name)
		}
	}

	// A waiting reader gets the slot once it is free.
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- e.get("/t/"+itoa(th.ID)+"-"+th.Slug, nil) }()
	select {
	case <-done:
		t.Fatal("a reader went ahead while the slot was taken")
	case <-time.After(50 * time.Millisecond):
	}
	<-e.srv.reads
	w = <-done
	wantBody(t, w, "reader after the slot freed", "Wir nutzen ihn seit März.")
	if n := len(e.srv.reads); n != 0 {
		t.Errorf("%d read slots still taken after all requests ended", n)
	}
}

func TestReadSlots(t *testing.T) {
	if readSlots(-1) != nil {
		t.Error("-1 did not turn admission off")
	}
	if c := readSlots(3); cap(c) != 3 {
		t.Errorf("readSlots(3) has %d slots", cap(c))
	}
	if c := readSlots(0); cap(c) < 4 {
		t.Errorf("readSlots(0) has %d slots, want 4 per core", cap(c))
	}
}
