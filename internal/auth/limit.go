package auth

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// defaultMaxEntries caps the keys a Limiter tracks, about 25 MB at most.
const defaultMaxEntries = 100_000

// Limiter limits events per key, such as a client IP or an account, with one
// token bucket per key: up to perPeriod events at once, refilled evenly over
// the period. It is safe for concurrent use.
//
// Keys are kept in least-recently-used order. Each call drops keys idle for
// more than two periods from the old end (their buckets are full again, so
// forgetting them changes nothing), which costs O(1) amortised and needs no
// background sweep. If maxEntries keys are all active, a new key displaces
// the least recently used one, resetting its bucket: under a flood from that
// many addresses this is the least harmful choice besides unbounded memory.
type Limiter struct {
	limit      rate.Limit
	burst      int
	idle       time.Duration
	maxEntries int

	mu      sync.Mutex
	entries map[string]*list.Element // values are *limiterEntry
	lru     *list.List               // front is most recently used
}

type limiterEntry struct {
	key  string
	bkt  *rate.Limiter
	last time.Time
}

// NewLimiter returns a Limiter allowing perPeriod events per period and key.
// It panics unless perPeriod >= 1 and period > 0.
func NewLimiter(perPeriod int, period time.Duration) *Limiter {
	if perPeriod < 1 || period <= 0 {
		panic("auth: NewLimiter needs perPeriod >= 1 and period > 0")
	}
	return &Limiter{
		limit:      rate.Limit(float64(perPeriod) / period.Seconds()),
		burst:      perPeriod,
		idle:       2 * period,
		maxEntries: defaultMaxEntries,
		entries:    make(map[string]*list.Element),
		lru:        list.New(),
	}
}

// Allow reports whether an event for key may happen now, and counts it if so.
func (l *Limiter) Allow(key string) bool {
	return l.AllowAt(key, time.Now())
}

// AllowAt is Allow at the given time; tests pass a fake clock.
func (l *Limiter) AllowAt(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evictIdle(now)
	el, ok := l.entries[key]
	if ok {
		l.lru.MoveToFront(el)
	} else {
		for l.lru.Len() >= l.maxEntries {
			l.remove(l.lru.Back())
		}
		el = l.lru.PushFront(&limiterEntry{key: key, bkt: rate.NewLimiter(l.limit, l.burst)})
		l.entries[key] = el
	}
	e := el.Value.(*limiterEntry)
	e.last = now
	return e.bkt.AllowN(now, 1)
}

// evictIdle drops the keys unused for longer than l.idle; they are at the back.
func (l *Limiter) evictIdle(now time.Time) {
	cutoff := now.Add(-l.idle)
	for el := l.lru.Back(); el != nil && el.Value.(*limiterEntry).last.Before(cutoff); el = l.lru.Back() {
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.entries, el.Value.(*limiterEntry).key)
	l.lru.Remove(el)
}

// size returns the number of tracked keys.
func (l *Limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// RetryAfter is how long a refused caller should wait: the time one
// allowance takes to come back, rounded up to whole seconds for the
// Retry-After header.
func (l *Limiter) RetryAfter() time.Duration {
	d := time.Duration(float64(time.Second) / float64(l.limit))
	return d.Round(time.Second) + time.Second
}
