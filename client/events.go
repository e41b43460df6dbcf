package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/coder/websocket"
	"github.com/govchain/govchain/api/apitype"
)

// maxEventMessage bounds one message of the event stream (a tx's events).
const maxEventMessage = 1 << 20

// Subscription is an open event stream (GET /v1/events, docs/api-events.md).
// Read it with Next; it is not safe for concurrent use.
type Subscription struct {
	conn *websocket.Conn
}

// ClosedError is how a subscription ends when the server closes it: the
// websocket close status (1008 too slow, 1001 server shutting down, 1011
// internal error) and the server's reason, which names the from_height to
// reconnect with.
type ClosedError struct {
	Status int
	Reason string
}

func (e *ClosedError) Error() string {
	return fmt.Sprintf("event stream closed by the node (status %d): %s", e.Status, e.Reason)
}

// Subscribe opens an event stream with a filter; f.FromHeight > 0 replays
// history first. A refusal before the stream starts (a malformed filter,
// a replay too long, the node's subscriber limit) is an *apitype.Problem.
//
//	sub, err := c.Subscribe(ctx, apitype.EventFilter{Module: "registry"})
//	if err != nil { ... }
//	defer sub.Close()
//	for {
//		m, err := sub.Next(ctx)
//		if err != nil { ... } // a *ClosedError carries the node's reason
//		...
//	}
func (c *Client) Subscribe(ctx context.Context, f apitype.EventFilter) (*Subscription, error) {
	u := c.base + "/v1/events"
	if q := f.Query(); len(q) > 0 {
		u += "?" + q.Encode()
	}
	// The SDK's client has an overall timeout, which a stream must not have:
	// ctx bounds the handshake.
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: &http.Client{Transport: c.http.Transport}})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, responseProblem(resp)
		}
		return nil, fmt.Errorf("event stream: %w", err)
	}
	conn.SetReadLimit(maxEventMessage)
	return &Subscription{conn: conn}, nil
}

// responseProblem reads the problem document of a refused upgrade.
func responseProblem(resp *http.Response) *apitype.Problem {
	p := &apitype.Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
	b, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(b, p) != nil || p.Detail == "" {
		p.Detail = strings.TrimSpace(string(b))
	}
	return p
}

// Next waits for the next message. It returns a *ClosedError when the node
// ends the stream, and ctx's error when ctx ends, which also closes the
// subscription.
func (s *Subscription) Next(ctx context.Context) (*apitype.EventMessage, error) {
	_, b, err := s.conn.Read(ctx)
	if err != nil {
		var ce websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return nil, &ClosedError{Status: int(ce.Code), Reason: ce.Reason}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("event stream: %w", err)
	}
	var m apitype.EventMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("event stream: malformed message: %w", err)
	}
	return &m, nil
}

// Close ends the subscription.
func (s *Subscription) Close() error {
	return s.conn.Close(websocket.StatusNormalClosure, "")
}
