//go:build unix

package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
)

// A subscriber that stops reading is dropped with a reason naming the
// height to resume from, while the node keeps committing and another
// subscriber keeps receiving everything.
func TestEventsSlowSubscriberDropped(t *testing.T) {
	// Small socket buffers on both sides, so that a client that does not
	// read fills the node's buffer after a few dozen messages.
	e := startEventsNode(t, api.EventLimits{Buffer: 8, SendBuffer: 4096})
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		rc.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return err
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	slow, _, err := websocket.Dial(ctx, "http://"+e.n.HTTPAddr()+"/v1/events",
		&websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	msgs, errc := collect(e.subscribe(apitype.EventFilter{}))

	var last apitype.SubmitResult
	for i := 0; scrape(t, e.n, "govchain_event_subscribers_dropped_total") == 0; i++ {
		if i == 40 {
			t.Fatal("the slow subscriber was never dropped")
		}
		rs := batchOfCitizens(t, e, e.cab, 25)
		last = rs[len(rs)-1]
	}
	// Now the slow client reads: what the node had sent, then the close.
	var dropped, resume int64
	var slowGot []uint64
	for {
		_, b, err := slow.Read(ctx)
		if err == nil {
			var m apitype.EventMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			slowGot = append(slowGot, m.LogIndex)
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation {
			t.Fatalf("slow subscriber ended with %v", err)
		}
		t.Logf("close reason: %s", ce.Reason)
		dropped, resume = dropHeights(t, ce.Reason)
		break
	}
	// The node kept committing past the drop, and the other subscriber
	// received every tx, in order.
	rs := batchOfCitizens(t, e, e.cab, 5)
	last = rs[len(rs)-1]
	if last.Height <= dropped {
		t.Fatalf("last commit at height %d, drop at %d", last.Height, dropped)
	}
	var below uint64 // messages of heights below resume
	for idx := uint64(0); idx <= last.LogIndex; idx++ {
		select {
		case m := <-msgs:
			if m.LogIndex != idx {
				t.Fatalf("fast subscriber: log index %d, want %d", m.LogIndex, idx)
			}
			if m.Height < resume {
				below++
			}
		case err := <-errc:
			t.Fatalf("fast subscriber: %v", err)
		case <-ctx.Done():
			t.Fatalf("fast subscriber: no log index %d", idx)
		}
	}
	// The slow subscriber got, in order, at least everything below the
	// height to resume from.
	for i, idx := range slowGot {
		if idx != uint64(i) {
			t.Fatalf("slow subscriber got log index %d at position %d", idx, i)
		}
	}
	if uint64(len(slowGot)) < below {
		t.Fatalf("slow subscriber got %d messages, but %d are below from_height=%d", len(slowGot), below, resume)
	}
	// Resuming from the height the reason names replays from there.
	sub := e.subscribe(apitype.EventFilter{FromHeight: resume})
	if m := next(t, sub); m.Height != resume {
		t.Fatalf("resumed at height %d, want %d", m.Height, resume)
	}
}
