// Command loadgen drives the write part of bench/run.sh, which wrk cannot
// do well: posts through the API at a fixed rate (open loop: a slow server
// does not slow the schedule down) or as fast as it can, optionally with
// readers in a closed loop on the side, and reports per-request latency.
//
//	loadgen -base http://127.0.0.1:18080 -token kf_... -threads 5,8,10 -rate 100 -d 15s \
//	        -readers 16 -urls /t/5-x,/
//	loadgen -base ... -token ... -threads ... -writers 8 -d 10s     # the most posts/s
//
//	loadgen -readers 1 -search-words bench/words.txt -d 15s       # one search at a time
//
// Its latencies are each request's own. wrk, in contrast, "corrects" its
// closed-loop figures for coordinated omission (stats_correct) by adding
// samples for every request slower than the mean interval, which for
// uneven work such as search multiplies the tail: p95 44 ms from wrk
// where the same requests took 18 ms in the server's log.
//
// It prints one line per class (writes, reads):
//
//	RESULT class=writes n=1500 errors=0 rps=99.8 p50_ms=3.1 p95_ms=8.0 p99_ms=12.4 max_ms=40.2
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// recorder collects latencies and errors of one class of requests.
type recorder struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
	first  string // the first error, to say what went wrong
}

func (r *recorder) add(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if r.first == "" {
			r.first = err.Error()
		}
		return
	}
	r.lat = append(r.lat, d)
}

func (r *recorder) report(class string, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.lat)
	pct := func(p float64) float64 {
		if len(r.lat) == 0 {
			return 0
		}
		i := min(len(r.lat)-1, int(p*float64(len(r.lat))))
		return float64(r.lat[i].Microseconds()) / 1000
	}
	fmt.Printf("RESULT class=%s n=%d errors=%d rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		class, len(r.lat), r.errors, float64(len(r.lat))/elapsed.Seconds(), pct(0.50), pct(0.95), pct(0.99), pct(1))
	if r.first != "" {
		fmt.Fprintf(os.Stderr, "loadgen: %s: first error: %s\n", class, r.first)
	}
}

func main() {
	base := flag.String("base", "http://127.0.0.1:18080", "forum base URL")
	token := flag.String("token", "", "API token for the writes (Bearer)")
	threadList := flag.String("threads", "", "comma-separated thread IDs to post to")
	rate := flag.Float64("rate", 0, "posts per second (open loop); 0 with -writers > 0 posts as fast as possible")
	writers := flag.Int("writers", 0, "closed-loop writers (when -rate is 0)")
	readers := flag.Int("readers", 0, "closed-loop readers on the side")
	urlList := flag.String("urls", "/", "comma-separated paths the readers fetch in turn")
	searchWords := flag.String("search-words", "", "file of words (one a line, # comments): readers search two random words instead of -urls, alternating /suche and /api/v1/search")
	dur := flag.Duration("d", 10*time.Second, "duration")
	flag.Parse()

	var threads []int64
	for _, s := range strings.Split(*threadList, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			log.Fatalf("loadgen: -threads: %v", err)
		}
		threads = append(threads, id)
	}
	writing := *rate > 0 || *writers > 0
	if writing && (*token == "" || len(threads) == 0) {
		log.Fatal("loadgen: writing needs -token and -threads")
	}
	urls := strings.Split(*urlList, ",")
	var words []string
	if *searchWords != "" {
		b, err := os.ReadFile(*searchWords)
		if err != nil {
			log.Fatalf("loadgen: -search-words: %v", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				words = append(words, l)
			}
		}
		if len(words) == 0 {
			log.Fatal("loadgen: -search-words: no words")
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}, Timeout: 30 * time.Second}

	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var wg sync.WaitGroup
	var seq atomic.Int64
	writes, reads := &recorder{}, &recorder{}

	post := func() {
		n := seq.Add(1)
		id := threads[int(n)%len(threads)]
		body, _ := json.Marshal(map[string]string{"body": fmt.Sprintf(
			"Lastmessung %d: Wir haben den **Wohngeldantrag** über FIT-Connect angebunden.\n\n- Fachverfahren getestet\n- Bescheid als PDF ins Postfach", n)})
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/threads/%d/posts", *base, id), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+*token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				err = fmt.Errorf("POST thread %d: status %d", id, resp.StatusCode)
			}
		}
		writes.add(time.Since(start), err)
	}

	start := time.Now()
	switch {
	case *rate > 0:
		// Open loop: one request per tick in its own goroutine.
		wg.Go(func() {
			tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
			defer tick.Stop()
			var inflight sync.WaitGroup
			defer inflight.Wait()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					inflight.Go(post)
				}
			}
		})
	case *writers > 0:
		for range *writers {
			wg.Go(func() {
				for ctx.Err() == nil {
					post()
				}
			})
		}
	}
	for w := range *readers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7)) // #nosec G404 G115 -- which page a reader asks for next, not a secret; w >= 0
			for n := 0; ctx.Err() == nil; n++ {
				u := *base + urls[r.IntN(len(urls))]
				if words != nil {
					path := "/suche?q="
					if n%2 == 1 {
						path = "/api/v1/search?q="
					}
					u = *base + path + url.QueryEscape(words[r.IntN(len(words))]+" "+words[r.IntN(len(words))])
				}
				t0 := time.Now()
				resp, err := client.Get(u)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
					}
				}
				if ctx.Err() == nil {
					reads.add(time.Since(t0), err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if writing {
		writes.report("writes", elapsed)
	}
	if *readers > 0 {
		reads.report("reads", elapsed)
	}
}
