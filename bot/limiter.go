package bot

import (
	"container/heap"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// DefaultRate is the outbound request rate: under Discord's global limit of
// 50 requests per second, with room for a burst of one.
const DefaultRate = 48

// limiter spaces outbound REST requests at a fixed rate for the whole
// process and, when requests wait, serves the lowest priority number first
// (alert work before meeting posts before reminders). Interaction callbacks
// and webhooks are not subject to Discord's global limit and pass straight
// through. Only the head of the queue sleeps on a timer; the others wait to
// be released or for the head to change.
type limiter struct {
	interval time.Duration

	mu      sync.Mutex
	next    time.Time // earliest time the next request may start
	waiting waitQueue
	seq     uint64
	changed chan struct{} // closed when the head of the queue changes
}

func newLimiter(perSecond int) *limiter {
	return &limiter{interval: time.Second / time.Duration(perSecond), changed: make(chan struct{})}
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
	w := &waiter{prio: prio, seq: l.seq, ready: make(chan struct{})}
	l.seq++
	heap.Push(&l.waiting, w)
	if w.index == 0 {
		l.headChanged()
	}
	for {
		l.release(time.Now())
		select {
		case <-w.ready:
			l.mu.Unlock()
			return nil
		default:
		}
		var timer <-chan time.Time
		if w.index == 0 {
			timer = time.After(time.Until(l.next))
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-w.ready:
			return nil
		case <-ctx.Done():
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
		case <-timer:
		}
		l.mu.Lock()
	}
}

// release lets the head of the queue go when its slot has come. l.mu held.
func (l *limiter) release(now time.Time) {
	if l.waiting.Len() == 0 || now.Before(l.next) {
		return
	}
	w := heap.Pop(&l.waiting).(*waiter)
	l.next = now.Add(l.interval)
	close(w.ready)
	l.headChanged()
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
