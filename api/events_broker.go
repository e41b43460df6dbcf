package api

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/tx"
)

// EventLimits bound the event stream (docs/api-events.md). Zero fields take
// the defaults.
type EventLimits struct {
	// MaxSubscribers is how many websocket subscribers a node serves at
	// once; beyond it GET /v1/events answers 503.
	MaxSubscribers int
	// Buffer is how many messages may wait for one subscriber: one whose
	// unsent messages exceed it when a new height commits is dropped
	// (close status 1008). A height is handed over whole, so a block larger
	// than Buffer does not drop a subscriber that keeps up.
	Buffer int
	// MaxReplay is how many messages a from_height replay may send; a
	// longer one is refused with 400 before the upgrade.
	MaxReplay int
	// SendBuffer is the kernel send buffer of a subscriber's socket in
	// bytes, so that what a slow subscriber holds up is Buffer messages plus
	// a known amount, not whatever TCP autotuning grows to. Negative leaves
	// the operating system's default.
	SendBuffer int
}

// Default event stream limits.
const (
	DefaultMaxSubscribers = 256
	DefaultEventBuffer    = 1024
	DefaultMaxReplay      = 100_000
	DefaultSendBuffer     = 256 << 10
)

func (l EventLimits) withDefaults() EventLimits {
	if l.MaxSubscribers <= 0 {
		l.MaxSubscribers = DefaultMaxSubscribers
	}
	if l.Buffer <= 0 {
		l.Buffer = DefaultEventBuffer
	}
	if l.MaxReplay <= 0 {
		l.MaxReplay = DefaultMaxReplay
	}
	if l.SendBuffer == 0 {
		l.SendBuffer = DefaultSendBuffer
	}
	return l
}

// errBrokerClosed ends streams when the node shuts down.
var errBrokerClosed = errors.New("api: event broker closed")

// EventBroker fans committed transactions out to event stream subscribers.
// The node tells it about each commit (Committed, which never blocks); one
// goroutine reads the new heights from the record log, builds each message
// once and hands it to every subscriber whose filter keeps it, without ever
// waiting for one: a subscriber with more than Buffer messages unsent is
// dropped.
type EventBroker struct {
	app     *app.App
	limits  EventLimits
	metrics *Metrics
	logf    func(string, ...any)

	wake    chan struct{} // a commit happened (capacity 1)
	quit    chan struct{}
	stopped chan struct{} // the dispatcher has returned
	once    sync.Once

	// Every database read holds dbMu shared and checks closed; Close sets
	// closed and then takes dbMu, so nothing reads once the node closes the
	// database.
	dbMu   sync.RWMutex
	closed atomic.Bool

	mu         sync.Mutex
	admitted   int
	live       map[*subscriber]struct{}
	dispatched int64 // every height up to this one went to the live subscribers
}

// subscriber is one websocket client. It is admitted (counted) before the
// upgrade, replays history if it asked to, then joins the live set.
type subscriber struct {
	filter EventFilter
	from   int64 // live messages below this height are skipped
	// ch carries one batch per dispatch. A batch is sent only while at most
	// Buffer messages are pending, and each queued batch holds at least
	// one, so ch (capacity Buffer+1) never blocks the dispatcher.
	ch      chan []*eventMsg
	pending atomic.Int64  // messages sent on ch and not yet written
	done    chan struct{} // closed when the broker ends the stream
	status  websocket.StatusCode
	at      int64 // the first height not handed over when the broker ended the stream
}

// eventMsg is a message with its JSON, encoded once for all subscribers.
type eventMsg struct {
	EventMessage
	raw []byte
}

func (m *eventMsg) bytes() []byte {
	if m.raw == nil {
		m.raw, _ = json.Marshal(m.EventMessage) // plain strings and numbers: cannot fail
	}
	return m.raw
}

// NewEventBroker starts a broker over the app's record log. m and logf may
// be nil.
func NewEventBroker(a *app.App, m *Metrics, limits EventLimits, logf func(string, ...any)) *EventBroker {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	b := &EventBroker{app: a, limits: limits.withDefaults(), metrics: m, logf: logf,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{}),
		live: map[*subscriber]struct{}{}, dispatched: max(a.LastCommitted().Height, 0)}
	go b.run()
	return b
}

// Committed tells the broker that a height is durably committed. It never
// blocks: the dispatcher reads whatever was committed since it last ran.
func (b *EventBroker) Committed(height int64) {
	if b == nil {
		return
	}
	select {
	case b.wake <- struct{}{}:
	default: // a wake-up is already pending; it will see this height too
	}
}

// Close ends every stream (close status 1001) and stops reading the
// database; it returns once no read is in flight. Call it before closing the
// database.
func (b *EventBroker) Close() {
	if b == nil {
		return
	}
	b.once.Do(func() {
		b.closed.Store(true)
		close(b.quit)
		b.dbMu.Lock() // waits out the reads in flight
		b.dbMu.Unlock()
		<-b.stopped
		b.mu.Lock()
		defer b.mu.Unlock()
		for s := range b.live {
			b.end(s, websocket.StatusGoingAway, b.dispatched+1)
		}
	})
}

func (b *EventBroker) run() {
	defer close(b.stopped)
	for {
		select {
		case <-b.quit:
			return
		case <-b.wake:
		}
		b.dispatch()
	}
}

// dispatch sends the heights committed since the last run to the live
// subscribers.
func (b *EventBroker) dispatch() {
	last := b.app.LastCommitted().Height
	b.mu.Lock()
	from := b.dispatched + 1
	if len(b.live) == 0 {
		b.dispatched = max(b.dispatched, last)
	}
	idle := len(b.live) == 0 || from > last
	b.mu.Unlock()
	if idle {
		return
	}
	// Only this goroutine moves dispatched, so heights from..last are still
	// due; a subscriber joining meanwhile joined at from-1 and expects them.
	var msgs []*eventMsg
	err := b.walk(from, last, true, func(m *eventMsg) error {
		msgs = append(msgs, m)
		return nil
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		if !errors.Is(err, errBrokerClosed) {
			b.logf("api: events of heights %d-%d: %v", from, last, err)
			for s := range b.live {
				b.end(s, websocket.StatusInternalError, from)
			}
		}
		return
	}
	for s := range b.live {
		b.deliver(s, from, msgs)
	}
	b.dispatched = last
}

// deliver hands a subscriber what its filter keeps of heights from on, or
// drops it when it has more than Buffer messages still unsent. Call with
// mu held.
func (b *EventBroker) deliver(s *subscriber, from int64, msgs []*eventMsg) {
	if s.pending.Load() > int64(b.limits.Buffer) {
		b.drop(s, from)
		return
	}
	var batch []*eventMsg
	for _, m := range msgs {
		if m.Height >= s.from && s.filter.Match(&m.EventMessage) {
			m.bytes() // encoded here, once: handlers only read it
			batch = append(batch, m)
		}
	}
	if len(batch) == 0 {
		return
	}
	s.pending.Add(int64(len(batch)))
	select {
	case s.ch <- batch:
	default: // cannot happen (see subscriber.ch); never block regardless
		b.drop(s, from)
	}
}

func (b *EventBroker) drop(s *subscriber, at int64) {
	b.end(s, websocket.StatusPolicyViolation, at)
	if b.metrics != nil {
		b.metrics.EventsDropped.Inc()
	}
}

// end removes a live subscriber and tells its handler why; at is the first
// height it was not handed. Call with mu held.
func (b *EventBroker) end(s *subscriber, status websocket.StatusCode, at int64) {
	delete(b.live, s)
	s.status, s.at = status, at
	close(s.done)
}

// checkReplay refuses a from_height whose replay would exceed MaxReplay
// messages.
func (b *EventBroker) checkReplay(f EventFilter) error {
	if f.FromHeight == 0 {
		return nil
	}
	n, err := b.replaySize(f)
	if errors.Is(err, errBrokerClosed) {
		return problem(http.StatusServiceUnavailable, "the node is shutting down")
	}
	if err != nil {
		return err
	}
	if n > uint64(b.limits.MaxReplay) {
		return badRequest("from_height %d would replay %d messages; a stream replays at most %d: start from a later height (older transactions: GET /v1/blocks/{height} and /v1/txs/{hash})",
			f.FromHeight, n, b.limits.MaxReplay)
	}
	return nil
}

// admit counts a new subscriber before its upgrade, if a place is free.
// The caller must release it.
func (b *EventBroker) admit(f EventFilter) (*subscriber, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Load() {
		return nil, problem(http.StatusServiceUnavailable, "the node is shutting down")
	}
	if b.admitted >= b.limits.MaxSubscribers {
		return nil, problem(http.StatusServiceUnavailable, "this node already streams events to %d subscribers, its limit; retry later", b.admitted)
	}
	b.admitted++
	b.setGauge()
	return &subscriber{filter: f, ch: make(chan []*eventMsg, b.limits.Buffer+1), done: make(chan struct{})}, nil
}

// release forgets a subscriber.
func (b *EventBroker) release(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.live, s)
	b.admitted--
	b.setGauge()
}

func (b *EventBroker) setGauge() {
	if b.metrics != nil {
		b.metrics.EventSubscribers.Set(float64(b.admitted))
	}
}

// join makes a subscriber live from height next on, or, when heights from
// next on were dispatched already, returns the last dispatched height for
// the caller to replay up to before it tries again. A subscriber with no
// from_height joins at once, from the next dispatch.
func (b *EventBroker) join(s *subscriber, next int64) (bool, int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Load() {
		return false, 0, errBrokerClosed
	}
	if s.filter.FromHeight > 0 && next <= b.dispatched {
		return false, b.dispatched, nil
	}
	s.from = next
	b.live[s] = struct{}{}
	return true, 0, nil
}

// replaySize counts the messages a replay from f.FromHeight to the last
// committed height sends at most (before filtering).
func (b *EventBroker) replaySize(f EventFilter) (uint64, error) {
	last := b.app.LastCommitted().Height
	if f.FromHeight > last {
		return 0, nil
	}
	lo, err := b.meta(f.FromHeight - 1)
	if err != nil {
		return 0, err
	}
	hi, err := b.meta(last)
	if err != nil {
		return 0, err
	}
	n := hi.LogSize - lo.LogSize
	if f.Blocks {
		n += uint64(last - f.FromHeight + 1)
	}
	return n, nil
}

// meta and entry read the database unless the broker is closed.
func (b *EventBroker) meta(h int64) (app.Meta, error) {
	b.dbMu.RLock()
	defer b.dbMu.RUnlock()
	if b.closed.Load() {
		return app.Meta{}, errBrokerClosed
	}
	return b.app.MetaAt(h)
}

func (b *EventBroker) entry(idx uint64) (*ledger.Entry, *ledger.Detail, error) {
	b.dbMu.RLock()
	defer b.dbMu.RUnlock()
	if b.closed.Load() {
		return nil, nil, errBrokerClosed
	}
	return b.app.Log().Entry(idx)
}

// walk calls fn with the messages of heights from..to (committed), in
// order: a tx message per log entry and, with blocks, a block message after
// the txs of each height. Without blocks it reads only the log entries of
// the range and the metadata of the heights that have some.
func (b *EventBroker) walk(from, to int64, blocks bool, fn func(*eventMsg) error) error {
	lo, err := b.meta(from - 1)
	if err != nil {
		return err
	}
	hi, err := b.meta(to)
	if err != nil {
		return err
	}
	next, size := from, lo.LogSize // next block message due; log size before it
	emitBlocksBelow := func(h int64) error {
		for ; next < h; next++ {
			m, err := b.meta(next)
			if err != nil {
				return err
			}
			bm := &eventMsg{EventMessage: EventMessage{Type: apitype.EventBlock, Height: next, Time: time.Unix(0, m.Time).UTC(),
				AppHash: hex.EncodeToString(m.AppHash), NumTxs: m.LogSize - size}}
			size = m.LogSize
			if err := fn(bm); err != nil {
				return err
			}
		}
		return nil
	}
	var at app.Meta // metadata of the height of the last entry read
	for idx := lo.LogSize; idx < hi.LogSize; idx++ {
		e, d, err := b.entry(idx)
		if err != nil {
			return fmt.Errorf("log entry %d: %w", idx, err)
		}
		h := int64(e.Height)
		if blocks {
			if err := emitBlocksBelow(h); err != nil {
				return err
			}
		}
		if at.Height != h { // entries are at heights >= 1
			if at, err = b.meta(h); err != nil {
				return err
			}
		}
		if err := fn(txMessage(idx, e, d, at)); err != nil {
			return err
		}
	}
	if blocks {
		return emitBlocksBelow(to + 1)
	}
	return nil
}

// txMessage builds the message of log entry idx, committed at m.Height.
func txMessage(idx uint64, e *ledger.Entry, d *ledger.Detail, m app.Meta) *eventMsg {
	msg := &eventMsg{EventMessage: EventMessage{Type: apitype.EventTx, Height: int64(e.Height), Time: time.Unix(0, m.Time).UTC(),
		TxHash: hex.EncodeToString(e.TxHash), LogIndex: idx, Code: e.Code, Log: d.Log, Events: d.Events}}
	if t, err := tx.Decode(d.Tx); err == nil {
		for _, m := range t.Body.Msgs {
			msg.MsgTypes = append(msg.MsgTypes, m.Type)
		}
	}
	return msg
}
