// Package nodetest starts in-process development nodes for tests: a single
// validator on a temporary home with free loopback ports, stopped when the
// test ends, and helpers that wait for a committed height instead of
// sleeping.
//
// The node's log is discarded unless GOVCHAIN_TEST_LOG is set: to a level
// (error, info or debug) or to 1 for the home's level; it then goes to
// stderr.
//
// It is a test helper: only tests import it.
package nodetest

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
)

// LogEnv names the environment variable that turns node logs on.
const LogEnv = "GOVCHAIN_TEST_LOG"

// Timeout bounds every wait of this package. A dev node commits a block
// half a second after one that changed the state, and an empty one every
// 10 s otherwise; a height that takes longer has gone wrong.
const Timeout = 30 * time.Second

type settings struct {
	chain      node.ChainOptions
	keepRecent uint64
	index      *string // the embedded SQL index's database ("": SQLite in the home)
	events     api.EventLimits
	appConfig  []func(*node.AppConfig)
	web        http.Handler
}

// Option adjusts the dev chain StartDev creates.
type Option func(*settings)

// WithChain sets the chain's cryptography, e.g. node.ChainOptions{HashSuite:
// "sm3", AdminAlgo: crypto.AlgSM2}.
func WithChain(co node.ChainOptions) Option {
	return func(s *settings) { s.chain = co }
}

// WithIndex runs the embedded SQL indexer (govchain start --index) into
// dsn ("": SQLite in the home).
func WithIndex(dsn string) Option {
	return func(s *settings) { s.index = &dsn }
}

// WithKeepRecent keeps only this many recent state versions provable
// (app.toml keep_recent).
func WithKeepRecent(n uint64) Option {
	return func(s *settings) { s.keepRecent = n }
}

// WithEvents sets the event stream's limits (GET /v1/events).
func WithEvents(l api.EventLimits) Option {
	return func(s *settings) { s.events = l }
}

// WithWeb serves a web UI at / (web.Handler()).
func WithWeb(h http.Handler) Option {
	return func(s *settings) { s.web = h }
}

// WithAppConfig adjusts the home's config/app.toml before the node starts
// (HTTP limits, stall_after, ...).
func WithAppConfig(f func(*node.AppConfig)) Option {
	return func(s *settings) { s.appConfig = append(s.appConfig, f) }
}

// Dev is a running development node and the ways to reach it.
type Dev struct {
	t testing.TB
	// Home holds the chain: genesis, config, the demo departments' admin
	// keys (Home.KeyFile(node.AdminKeyName("cab"))) and the data.
	Home node.Home
	// Node is the running node; nil once stopped.
	Node *node.Node
	// Addr is the API's host:port and URL its base URL; both stay the same
	// across Restart.
	Addr, URL string
	// Client talks to the API.
	Client *client.Client

	events api.EventLimits
	web    http.Handler
	index  *string
}

// StartDev creates a dev chain (node.InitDev) in a temporary home, starts
// it and returns once height 1 is committed. The node stops when the test
// ends.
func StartDev(t testing.TB, opts ...Option) *Dev {
	t.Helper()
	var s settings
	for _, o := range opts {
		o(&s)
	}
	home := node.Home(filepath.Join(t.TempDir(), "home"))
	err := node.InitDev(home, time.Now(), node.DevOptions{ChainOptions: s.chain,
		P2P: "tcp://127.0.0.1:0", RPC: "tcp://127.0.0.1:0", HTTP: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if s.keepRecent != 0 {
		s.appConfig = append(s.appConfig, func(c *node.AppConfig) { c.KeepRecent = s.keepRecent })
	}
	if len(s.appConfig) > 0 {
		cfg, err := node.LoadAppConfig(home)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.appConfig {
			f(&cfg)
		}
		if err := node.WriteAppConfig(home, cfg); err != nil {
			t.Fatal(err)
		}
	}
	d := &Dev{t: t, Home: home, Addr: "127.0.0.1:0", events: s.events, web: s.web, index: s.index}
	t.Cleanup(d.Stop)
	d.Start()
	return d
}

// Start starts the node on its home (again, after Stop) and waits for
// height 1. A restarted node listens on the address it had.
func (d *Dev) Start() {
	d.t.Helper()
	if d.Node != nil {
		d.t.Fatal("nodetest: node already running")
	}
	w, level := logOptions()
	opts := node.Options{HTTP: d.Addr, Log: w, LogLevel: level, Events: d.events, Web: d.web}
	if d.index != nil {
		opts.Index, opts.IndexDB = true, *d.index
	}
	n, err := node.Start(d.Home, opts)
	if err != nil {
		d.t.Fatal(err)
	}
	d.Node = n
	d.Addr = n.HTTPAddr()
	d.URL = "http://" + d.Addr
	d.Client = client.New(d.URL)
	d.WaitHeight(1)
}

// Stop stops the node; it is safe to call when stopped.
func (d *Dev) Stop() {
	if d.Node != nil {
		d.Node.Stop()
		d.Node = nil
	}
}

// Restart stops the node and starts it again on the same home.
func (d *Dev) Restart() {
	d.t.Helper()
	d.Stop()
	d.Start()
}

// Height is the last committed height.
func (d *Dev) Height() int64 { return d.Node.App.LastCommitted().Height }

// WaitHeight returns once height h is committed; the test fails if that
// takes longer than Timeout.
func (d *Dev) WaitHeight(h int64) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := d.Node.WaitHeight(ctx, h); err != nil {
		d.t.Fatal(err)
	}
}

// WaitSigned returns once the header that signs height h's app hash (the
// header of h+1) is committed, so receipts and proofs at h are anchored.
// It is quick after a block with txs: the next block follows at once.
func (d *Dev) WaitSigned(h int64) {
	d.t.Helper()
	d.WaitHeight(h + 1)
}

// AdminKey reads the admin key of a demo department ("mof", "nrb", "cab",
// "ec").
func (d *Dev) AdminKey(dept string) *crypto.PrivateKey {
	d.t.Helper()
	k, _, err := crypto.ReadKeyFile(d.Home.KeyFile(node.AdminKeyName(dept)))
	if err != nil {
		d.t.Fatal(err)
	}
	return k
}

// Admin is a signer for a demo department's admin, its sequence read from
// the chain.
func (d *Dev) Admin(dept string) *client.Signer {
	d.t.Helper()
	s, err := d.Client.NewSigner(context.Background(), d.AdminKey(dept), "")
	if err != nil {
		d.t.Fatal(err)
	}
	return s
}

// logOptions is where node logs go and at which level: stderr when LogEnv
// asks for them ("1" keeps the home's level).
func logOptions() (io.Writer, string) {
	switch v := os.Getenv(LogEnv); v {
	case "":
		return io.Discard, ""
	case "error", "info", "debug":
		return os.Stderr, v
	default:
		return os.Stderr, ""
	}
}
