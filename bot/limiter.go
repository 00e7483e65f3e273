package bot

import (
	"container/heap"
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/hearthbot/hearth"
)

// DefaultRate and DefaultBurst shape the outbound token bucket: 44 requests
// a second sustained, and up to 4 at once after a pause (an alert's two DMs
// and their DM channels). In any one second that is at most 44 + 4 = 48
// requests, under Discord's global limit of 50, with two to spare for the
// jitter between leaving here and arriving there (at 45 + 4 a loaded
// machine's fake Discord counted 51 arrivals in a second, three times in a
// 5,000-post burst).
const (
	DefaultRate  = 44
	DefaultBurst = 4
)

// limiter paces outbound REST requests for the whole process with a token
// bucket (golang.org/x/time/rate): a request finding a token goes at once,
// so an alert's few requests after a quiet spell are not spaced out; when
// requests wait for tokens, the lowest priority number goes first (alert
// work before meeting posts before reminders), in arrival order within a
// priority. Interaction callbacks and webhooks are not subject to Discord's
// global limit and pass straight through. Only the head of the queue sleeps
// on a timer; the others wait to be released or for the head to change.
type limiter struct {
	tb  *rate.Limiter
	now func() time.Time

	mu      sync.Mutex
	waiting waitQueue
	seq     uint64
	changed chan struct{} // closed when the head of the queue changes
}

func newLimiter(perSecond float64, burst int) *limiter {
	if burst < 1 {
		burst = 1
	}
	return &limiter{tb: rate.NewLimiter(rate.Limit(perSecond), burst), now: time.Now, changed: make(chan struct{})}
}

type waiter struct {
	prio  int
	seq   uint64
	ready chan struct{}
	index int
}

type waitQueue []*waiter

func (q waitQueue) Len() int { return len(q) }
func (q waitQueue) Less(i, j int) bool {
	if q[i].prio != q[j].prio {
		return q[i].prio < q[j].prio
	}
	return q[i].seq < q[j].seq
}
func (q waitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i]; q[i].index = i; q[j].index = j }
func (q *waitQueue) Push(x any)   { w := x.(*waiter); w.index = len(*q); *q = append(*q, w) }
func (q *waitQueue) Pop() any {
	old := *q
	w := old[len(old)-1]
	*q = old[:len(old)-1]
	w.index = -1
	return w
}

// wait blocks until a request of priority prio may go, or ctx ends.
func (l *limiter) wait(ctx context.Context, prio int) error {
	l.mu.Lock()
	if l.waiting.Len() == 0 && l.tb.AllowN(l.now(), 1) {
		l.mu.Unlock() // nobody waiting and a token left: go now
		return nil
	}
	w := &waiter{prio: prio, seq: l.seq, ready: make(chan struct{})}
	l.seq++
	heap.Push(&l.waiting, w)
	if w.index == 0 {
		l.headChanged()
	}
	for {
		l.release(l.now())
		select {
		case <-w.ready:
			l.mu.Unlock()
			return nil
		default:
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if w.index == 0 {
			timer = time.NewTimer(l.untilToken(l.now()))
			fire = timer.C
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-w.ready:
			stopTimer(timer)
			return nil
		case <-ctx.Done():
			stopTimer(timer)
			l.mu.Lock()
			if w.index < 0 { // released meanwhile: go ahead
				l.mu.Unlock()
				return nil
			}
			head := w.index == 0
			heap.Remove(&l.waiting, w.index)
			if head {
				l.headChanged()
			}
			l.mu.Unlock()
			return ctx.Err()
		case <-changed:
			stopTimer(timer)
		case <-fire:
		}
		l.mu.Lock()
	}
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}

// release lets waiters go, head first, while there are tokens. l.mu held.
func (l *limiter) release(now time.Time) {
	released := false
	for l.waiting.Len() > 0 && l.tb.TokensAt(now) >= 1 {
		l.tb.AllowN(now, 1)
		w := heap.Pop(&l.waiting).(*waiter)
		close(w.ready)
		released = true
	}
	if released {
		l.headChanged()
	}
}

// untilToken is how long until the bucket holds a whole token.
func (l *limiter) untilToken(now time.Time) time.Duration {
	need := 1 - l.tb.TokensAt(now)
	if need <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(need / float64(l.tb.Limit()) * float64(time.Second)))
}

func (l *limiter) headChanged() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// exempt reports whether a request path is outside Discord's global limit.
func exempt(path string) bool {
	return strings.Contains(path, "/interactions/") || strings.Contains(path, "/webhooks/")
}

// limitTransport makes each request wait its turn at the limiter, then gives
// it a deadline that starts when it leaves the queue, so waiting behind a
// burst of reminders does not eat the request's own time.
type limitTransport struct {
	lim     *limiter
	timeout time.Duration
	next    http.RoundTripper
	observe func(status int) // every response's status, for monitoring
}

// RoundTrip implements http.RoundTripper.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !exempt(req.URL.Path) {
		prio, ok := hearth.PriorityFrom(req.Context())
		if !ok {
			prio = hearth.PriorityAlert // commands and startup: as urgent as alerts
		}
		if err := t.lim.wait(req.Context(), prio); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	if t.observe != nil {
		t.observe(resp.StatusCode)
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases the request's deadline when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
