package auth

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func TestLimiterPerPeriod(t *testing.T) {
	tests := []struct {
		perPeriod int
		period    time.Duration
	}{
		{1, time.Second},
		{3, time.Second},
		{5, 15 * time.Minute},
		{10, time.Minute},
		{7, time.Hour},
		{100, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d per %v", tt.perPeriod, tt.period), func(t *testing.T) {
			l := NewLimiter(tt.perPeriod, tt.period)
			burst := func(now time.Time) {
				t.Helper()
				for i := range tt.perPeriod {
					if !l.AllowAt("198.51.100.7", now) {
						t.Fatalf("AllowAt #%d at %v = false, want true", i+1, now.Sub(t0))
					}
				}
				if l.AllowAt("198.51.100.7", now) {
					t.Fatalf("AllowAt #%d at %v = true, want false", tt.perPeriod+1, now.Sub(t0))
				}
			}
			burst(t0)
			// Refused calls cost nothing, and the bucket refills evenly.
			step := tt.period / time.Duration(tt.perPeriod)
			if l.AllowAt("198.51.100.7", t0.Add(step-time.Millisecond)) {
				t.Errorf("AllowAt just before period/%d = true, want false", tt.perPeriod)
			}
			if !l.AllowAt("198.51.100.7", t0.Add(step+time.Millisecond)) {
				t.Errorf("AllowAt just after period/%d = false, want true", tt.perPeriod)
			}
			burst(t0.Add(step + time.Millisecond + tt.period))
		})
	}
}

func TestLimiterKeysIndependent(t *testing.T) {
	l := NewLimiter(2, time.Minute)
	for _, key := range []string{"198.51.100.7", "198.51.100.8", "user:42"} {
		for i, want := range []bool{true, true, false} {
			if got := l.AllowAt(key, t0); got != want {
				t.Errorf("AllowAt(%q) #%d = %v, want %v", key, i+1, got, want)
			}
		}
	}
}

func TestLimiterEvictsIdle(t *testing.T) {
	l := NewLimiter(1, time.Minute)
	for i := range 1000 {
		l.AllowAt(fmt.Sprint("key", i), t0)
	}
	l.AllowAt("recent", t0.Add(time.Minute))
	l.AllowAt("new", t0.Add(2*time.Minute)) // exactly 2 periods idle: kept
	if got := l.size(); got != 1002 {
		t.Errorf("size after 2 periods = %d, want 1002", got)
	}
	l.AllowAt("new", t0.Add(2*time.Minute+time.Nanosecond))
	if got := l.size(); got != 2 {
		t.Errorf("size after 2 periods + 1ns = %d, want 2 (recent, new)", got)
	}
	// An evicted key starts afresh, as its bucket would have been full anyway.
	if !l.AllowAt("key0", t0.Add(2*time.Minute+time.Nanosecond)) {
		t.Error(`AllowAt("key0") after eviction = false, want true`)
	}
}

func TestLimiterMaxEntries(t *testing.T) {
	l := NewLimiter(1, time.Hour)
	l.maxEntries = 100
	for i := range 1000 {
		key := fmt.Sprint("198.51.100.", i)
		if !l.AllowAt(key, t0) {
			t.Fatalf("AllowAt(%q) first call = false, want true", key)
		}
		if got := l.size(); got > 100 {
			t.Fatalf("size after %d keys = %d, want <= 100", i+1, got)
		}
	}

	// The least recently used key is the one displaced.
	l = NewLimiter(1, time.Hour)
	l.maxEntries = 3
	for _, key := range []string{"a", "b", "c", "a", "d"} {
		l.AllowAt(key, t0)
	}
	// In order: asking for "b" first would displace another key.
	for _, c := range []struct {
		key  string
		want bool
	}{{"a", false}, {"c", false}, {"d", false}, {"b", true}} {
		if got := l.AllowAt(c.key, t0); got != c.want {
			t.Errorf("AllowAt(%q) after a,b,c,a,d with cap 3 = %v, want %v", c.key, got, c.want)
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	const perPeriod, keys, workers, calls = 100, 10, 8, 500
	l := NewLimiter(perPeriod, 24*time.Hour) // refills < 1 event during the test
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				if l.Allow(fmt.Sprint("key", (w+i)%keys)) {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != perPeriod*keys {
		t.Errorf("allowed %d of %d concurrent calls, want %d", got, workers*calls, perPeriod*keys)
	}
}
