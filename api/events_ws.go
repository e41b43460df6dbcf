package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/govchain/govchain/api/apitype"
)

// EventSource is a Chain that streams events: the node gives the API its
// broker this way, so that Chain stays what consensus provides.
type EventSource interface {
	EventBroker() *EventBroker
}

// Timing of an event stream.
const (
	eventWriteTimeout = 15 * time.Second // one message to one subscriber
	eventPingInterval = 30 * time.Second
	eventPongTimeout  = 15 * time.Second
)

// events serves GET /v1/events: filters are checked, and the subscriber
// admitted, before the upgrade, so that every refusal is a problem
// document; after it, the stream ends with a websocket close status and
// reason.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	f, err := ParseEventFilter(r.URL.Query())
	if err != nil {
		return badRequest("%v", err)
	}
	if f.Module != "" {
		if mods := s.modules(); !slices.Contains(mods, f.Module) {
			return badRequest("unknown module %q (modules: %s)", f.Module, strings.Join(mods, ", "))
		}
	}
	src, ok := s.chain.(EventSource)
	if !ok || src.EventBroker() == nil {
		return problem(http.StatusServiceUnavailable, "this server does not stream events")
	}
	b := src.EventBroker()
	if err := b.checkReplay(f); err != nil {
		return err
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		w.Header().Set("Upgrade", "websocket")
		return problem(http.StatusUpgradeRequired, "GET /v1/events is a websocket: connect with a websocket client (docs/api-events.md)")
	}
	sub, err := b.admit(f)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer b.release(sub)
	clearDeadlines(w) // a stream outlives the server's timeouts; keepalive finds dead peers
	// Reads are open to every origin, as the rest of the API: the stream
	// is public and carries no credentials.
	c, err := websocket.Accept(sendBufferWriter{w, b.limits.SendBuffer}, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil // Accept has answered
	}
	if status, reason := b.stream(c, sub); status != 0 {
		c.Close(status, reason)
	} else {
		c.CloseNow()
	}
	return nil
}

// modules lists the modules that route messages.
func (s *Server) modules() []string {
	var out []string
	for typ := range s.app.Routes() {
		if m, _, ok := strings.Cut(typ, "."); ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// stream replays what the subscriber asked for, then sends live messages
// until the broker ends the stream (its status and reason are returned) or
// the client goes away (status 0). A reason names the from_height to
// resume from: every message below it was written.
func (b *EventBroker) stream(c *websocket.Conn, s *subscriber) (websocket.StatusCode, string) {
	ctx := c.CloseRead(context.Background()) // done when the client goes away
	go keepalive(ctx, c)
	// Join the live set at the next height not yet replayed. While the chain
	// moves on during a replay, join refuses and the replay continues, so
	// the handoff has neither gap nor duplicate.
	next := s.filter.FromHeight
	for {
		joined, head, err := b.join(s, next)
		if err == nil && joined {
			break
		}
		resume := next // heights below it are written
		if err == nil {
			err = b.walk(next, head, s.filter.Blocks, func(m *eventMsg) error {
				if !s.filter.Match(&m.EventMessage) {
					return nil
				}
				resume = m.Height
				return writeEvent(ctx, c, m)
			})
		}
		switch {
		case errors.Is(err, errBrokerClosed):
			return websocket.StatusGoingAway, closeReason(websocket.StatusGoingAway, b.limits.Buffer, 0, resume)
		case isWriteError(err):
			return 0, ""
		case err != nil:
			b.logf("api: event replay from height %d: %v", next, err)
			return websocket.StatusInternalError, closeReason(websocket.StatusInternalError, b.limits.Buffer, resume, resume)
		}
		next = head + 1
	}
	for {
		select {
		case <-s.done:
			return s.status, closeReason(s.status, b.limits.Buffer, s.at, s.resumeHeight(nil))
		case <-ctx.Done():
			return 0, ""
		case batch := <-s.ch:
			for i, m := range batch {
				select {
				case <-s.done: // what is still queued is not sent
					return s.status, closeReason(s.status, b.limits.Buffer, s.at, s.resumeHeight(batch[i:]))
				default:
				}
				if err := writeEvent(ctx, c, m); err != nil {
					return 0, ""
				}
				s.pending.Add(-1)
			}
		}
	}
}

// resumeHeight is the height of the first message not written: the rest of
// the batch in hand, else the next queued one, else the first height the
// broker did not hand over.
func (s *subscriber) resumeHeight(rest []*eventMsg) int64 {
	if len(rest) > 0 {
		return rest[0].Height
	}
	select {
	case batch := <-s.ch:
		return batch[0].Height
	default:
		return s.at
	}
}

// closeReason explains why the node ends a stream (at most 123 bytes, the
// websocket limit).
func closeReason(status websocket.StatusCode, buffer int, at, resume int64) string {
	switch status {
	case websocket.StatusPolicyViolation:
		return fmt.Sprintf("too slow: more than %d events unsent at height %d; reconnect with from_height=%d", buffer, at, resume)
	case websocket.StatusGoingAway:
		return fmt.Sprintf("server shutting down; reconnect with from_height=%d", resume)
	}
	return fmt.Sprintf("internal error at height %d; reconnect with from_height=%d", at, resume)
}

// writeError marks a failed websocket write (the client is gone or stuck),
// as opposed to a failure reading the log.
type writeError struct{ error }

func (e writeError) Unwrap() error { return e.error }

func isWriteError(err error) bool {
	var we writeError
	return errors.As(err, &we)
}

func writeEvent(ctx context.Context, c *websocket.Conn, m *eventMsg) error {
	ctx, cancel := context.WithTimeout(ctx, eventWriteTimeout)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, m.bytes()); err != nil {
		return writeError{err}
	}
	return nil
}

// keepalive pings the client, so that a vanished one is noticed while the
// filter matches nothing, and proxies keep the connection open.
func keepalive(ctx context.Context, c *websocket.Conn) {
	t := time.NewTicker(eventPingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, eventPongTimeout)
		err := c.Ping(pctx)
		cancel()
		if err != nil {
			c.CloseNow()
			return
		}
	}
}

// sendBufferWriter sets the kernel send buffer of the connection the
// websocket hijacks (EventLimits.SendBuffer).
type sendBufferWriter struct {
	http.ResponseWriter
	bytes int
}

func (w sendBufferWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.bytes > 0 {
		inner := conn
		for { // under the node's connection limit, a TLS layer...
			u, ok := inner.(interface{ NetConn() net.Conn })
			if !ok {
				break
			}
			inner = u.NetConn()
		}
		if tc, ok := inner.(*net.TCPConn); ok {
			tc.SetWriteBuffer(w.bytes) // best effort: only the bound is lost
		}
	}
	return conn, brw, err
}

func (w sendBufferWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// The event stream's message and filter live in apitype, shared with the SDK.
type (
	EventMessage = apitype.EventMessage
	EventFilter  = apitype.EventFilter
)

// ParseEventFilter reads a subscription's filter from its query.
var ParseEventFilter = apitype.ParseEventFilter
