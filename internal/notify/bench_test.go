package notify

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"kommunalforum/internal/store"
)

// benchData fills the database with a synthetic forum: users who opted in
// to the daily digest and watch three topic fields each, threads and
// posts spread over the last 36 hours (posts numbered in time order, as
// the forum writes them), votes, read marks, and a reply event in a
// thread of a subscriber for every tenth post. It writes with its own
// connection in one transaction without fsync: a fixture, not the forum's
// write path.
func benchData(tb testing.TB, e *env, users, threads, posts int) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+e.path+"?_journal_mode=WAL&_synchronous=OFF&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	must := func(_ sql.Result, err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	now := e.now
	var fieldIDs []int64
	for _, f := range e.fields {
		fieldIDs = append(fieldIDs, f.ID)
	}
	ins := func(q string) *sql.Stmt {
		st, err := tx.Prepare(q)
		if err != nil {
			tb.Fatal(err)
		}
		return st
	}
	uSt := ins(`INSERT INTO users (id, email, display_name, role, status, created_at, updated_at) VALUES (?,?,?,'member','active',?,?)`)
	mSt := ins(`INSERT INTO mail_settings (user_id, delivery, field_delivery, consent_at, consent_text, updated_at) VALUES (?,'daily','daily',?,'Ich willige ein.',?)`)
	sSt := ins(`INSERT OR IGNORE INTO subscriptions (user_id, topic_field_id, level, created_at) VALUES (?,?,?,?)`)
	const firstUser = 1000
	for i := range users {
		id := int64(firstUser + i)
		must(uSt.Exec(id, fmt.Sprintf("nutzer%d@bench.example", i), fmt.Sprintf("Nutzer %d", i), now.UnixMilli(), now.UnixMilli()))
		must(mSt.Exec(id, now.UnixMilli(), now.UnixMilli()))
		for range 3 {
			level := store.LevelWatching
			if rng.IntN(3) == 0 {
				level = store.LevelTracking
			}
			must(sSt.Exec(id, fieldIDs[rng.IntN(len(fieldIDs))], level, now.UnixMilli()))
		}
	}
	// Times in order: threads and posts interleave as they would be written.
	start := now.Add(-36 * time.Hour)
	total := threads + posts
	step := 36 * time.Hour / time.Duration(total)
	tSt := ins(`INSERT INTO threads (id, topic_field_id, author_id, title, slug, post_count, last_post_at, created_at) VALUES (?,?,?,?,?,1,?,?)`)
	pSt := ins(`INSERT INTO posts (id, thread_id, author_id, body, body_html, created_at, score) VALUES (?,?,?,?,?,?,?)`)
	eSt := ins(`INSERT INTO events (kind, thread_id, post_id, actor_id, created_at) VALUES ('post.created',?,?,?,?)`)
	body := strings.Repeat("Wir haben das Verfahren im Landkreis mit dem EfA-Modul umgesetzt und berichten gern. ", 4)
	var tid, pid int64
	threadAuthor := map[int64]int64{}
	for k := range total {
		at := start.Add(time.Duration(k) * step).UnixMilli()
		author := int64(firstUser + rng.IntN(users))
		if tid == 0 || (int(tid) < threads && rng.IntN(total) < threads) {
			tid++
			threadAuthor[tid] = author
			must(tSt.Exec(tid, fieldIDs[rng.IntN(len(fieldIDs))], author, fmt.Sprintf("Thema %d zur Digitalisierung", tid), "thema", at, at))
			pid++
			must(pSt.Exec(pid, tid, author, body, "<p>"+body+"</p>", at, 0))
			continue
		}
		t := int64(1 + rng.IntN(int(tid)))
		pid++
		must(pSt.Exec(pid, t, author, body, "<p>"+body+"</p>", at, rng.IntN(6)))
		if pid%10 == 0 && threadAuthor[t] != author {
			must(eSt.Exec(t, pid, author, at))
		}
	}
	rSt := ins(`INSERT OR IGNORE INTO thread_reads (user_id, thread_id, last_read_post_id, read_at) VALUES (?,?,?,?)`)
	for i := range users {
		for range 5 {
			must(rSt.Exec(firstUser+i, 1+rng.IntN(int(tid)), pid, now.UnixMilli()))
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// peakHeap samples the heap while fn runs and returns the largest value.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkDigestCompose runs the daily digest round for 10,000 opted-in
// subscribers over 200,000 posts; each iteration forgets the previous
// round's digests. Reports digests per second and the peak heap.
func BenchmarkDigestCompose(b *testing.B) {
	e := newEnv(b, 0)
	users := 10000
	if v, err := strconv.Atoi(os.Getenv("KF_BENCH_USERS")); err == nil && v > 0 {
		users = v // for profiling at other sizes
	}
	benchData(b, e, users, 2*users, 20*users)
	e.now = t0
	t := time.Now()
	events, err := e.n.ProcessEvents(e.ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(events)/time.Since(t).Seconds(), "events/s")
	reset, err := sql.Open("sqlite3", "file:"+e.path+"?_busy_timeout=5000")
	if err != nil {
		b.Fatal(err)
	}
	defer reset.Close()
	var composed int
	var heap uint64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for _, q := range []string{`DELETE FROM digest_runs`, `DELETE FROM outbox`, `UPDATE notifications SET sent_at = NULL, dropped = ''`} {
			if _, err := reset.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		b.StartTimer()
		heap = max(heap, peakHeap(func() {
			st, err := e.n.RunDigest(e.ctx, Daily, e.now)
			if err != nil {
				b.Fatal(err)
			}
			composed = st.Composed
		}))
	}
	b.StopTimer()
	var avg float64
	if err := reset.QueryRow(`SELECT COALESCE(avg(length(body_text) + length(body_html)), 0) FROM outbox`).Scan(&avg); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(avg/1024, "KB/digest")
	if composed < users/2 {
		b.Fatalf("only %d of %d users got a digest; the data set is too thin", composed, users)
	}
	b.ReportMetric(float64(composed)*float64(b.N)/b.Elapsed().Seconds(), "digests/s")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
}

// BenchmarkSMTPSend delivers outbox mail over one kept SMTP connection to
// an in-process go-smtp sink and reports mails per second, outcome
// bookkeeping (one transaction per batch) included.
func BenchmarkSMTPSend(b *testing.B) {
	e := newEnv(b, 0)
	s := startSink(b)
	d := e.deliver(s)
	const n = 2000
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		mails := make([]store.NotifyMail, n)
		for i := range mails {
			mails[i].Mail = store.OutboxMail{MessageID: fmt.Sprintf("<bench-%d-%d@forum.example>", b.N, i) + randSuffix(),
				Recipient: fmt.Sprintf("nutzer%d@bench.example", i), Subject: "Ihre tägliche Zusammenfassung: 12 Neuigkeiten",
				BodyText: strings.Repeat("Neues Thema im Themenfeld Bauen & Wohnen. ", 60), BodyHTML: "<p>" + strings.Repeat("Neues Thema. ", 200) + "</p>",
				Kind: "digest", Headers: map[string]string{"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
		}
		if err := e.db.CommitNotifyMails(e.ctx, mails); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sent := 0
		for sent < n {
			k, err := d.RunOnce(e.ctx, e.now.Add(time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			if k == 0 {
				b.Fatalf("delivery stalled after %d of %d", sent, n)
			}
			sent += k
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

func randSuffix() string { return fmt.Sprintf("%x", rand.Uint64()) }
