package node

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"

	"github.com/govchain/govchain/app"
)

// AppConfig is govchain's own settings, in config/app.toml.
type AppConfig struct {
	// HTTP is the API and web UI listen address.
	HTTP string `toml:"http"`
	// KeepRecent keeps this many recent state versions provable; 0 keeps all.
	KeepRecent uint64 `toml:"keep_recent"`
	// LogLevel is error, info or debug.
	LogLevel string `toml:"log_level"`

	// The API's HTTP server (docs/operations.md, "HTTP limits").
	// HTTPMaxConnections bounds the open connections; those beyond it wait
	// in the kernel's accept queue.
	HTTPMaxConnections int `toml:"http_max_connections"`
	// HTTPReservedConnections more connections, beyond
	// http_max_connections, serve only /healthz and /v1/status, so that
	// the health check answers when the others are all taken.
	HTTPReservedConnections int `toml:"http_reserved_connections"`
	// HTTPMaxConnectionsPerAddress caps one remote address's open
	// connections (0: no cap); loopback clients are not capped unless
	// http_cap_loopback is set. Behind a reverse proxy every client has the
	// proxy's address: cap at the proxy, or set 0.
	HTTPMaxConnectionsPerAddress int  `toml:"http_max_connections_per_address"`
	HTTPCapLoopback              bool `toml:"http_cap_loopback"`
	// HTTPReadHeaderTimeout closes a connection that has not sent its
	// request headers in time (slowloris).
	HTTPReadHeaderTimeout time.Duration `toml:"http_read_header_timeout"`
	// HTTPReadTimeout bounds reading a whole request, body included.
	HTTPReadTimeout time.Duration `toml:"http_read_timeout"`
	// HTTPWriteTimeout bounds writing a response; POST /v1/txs?wait=commit
	// extends it by its own timeout, and /v1/events streams without one.
	HTTPWriteTimeout time.Duration `toml:"http_write_timeout"`
	// HTTPIdleTimeout closes keep-alive connections idle this long.
	HTTPIdleTimeout time.Duration `toml:"http_idle_timeout"`
	// HTTPMaxHeaderBytes bounds request headers.
	HTTPMaxHeaderBytes int `toml:"http_max_header_bytes"`
	// HTTPHeavyReads is how many expensive reads (list pages, proofs,
	// receipts, blocks) run at once; 0 is one per CPU but one (at least
	// one), so that a CPU stays free for consensus and cheap reads.
	HTTPHeavyReads int `toml:"http_heavy_reads"`
	// HTTPHeavyReadWait is how long an expensive read waits for its turn
	// before it is refused with 503 and Retry-After.
	HTTPHeavyReadWait time.Duration `toml:"http_heavy_read_wait"`

	// StallAfter is how long without a committed block makes /healthz
	// unhealthy while blocks are expected; 0 is
	// max(3 x consensus.create_empty_blocks_interval, 30s).
	StallAfter time.Duration `toml:"stall_after"`

	// Mempool is the [mempool] section: govchain's admission rules over
	// CometBFT's mempool.
	Mempool MempoolConfig `toml:"mempool"`
}

// MempoolConfig bounds what one account and one department may hold in the
// mempool and how long a tx may wait there for a missing earlier sequence
// (app.MempoolLimits; docs/transactions.md). It lives in app.toml because
// CometBFT v0.38's mempool has no TTL of its own (its ttl-num-blocks and
// ttl-duration went with the priority mempool in v0.38.0).
type MempoolConfig struct {
	Window            uint64        `toml:"window"`              // sequences ahead of the account's lowest missing one
	PerAccount        int           `toml:"per_account"`         // pending txs per account
	DepartmentPercent int           `toml:"department_percent"`  // pending txs per department, % of mempool.size
	NearlyFullPercent int           `toml:"nearly_full_percent"` // from here the biggest department is refused
	TTLBlocks         int64         `toml:"ttl_blocks"`          // blocks a gapped tx may wait
	TTL               time.Duration `toml:"ttl"`                 // block time a gapped tx may wait
}

// Limits are the app's limits for a mempool of size txs (config.toml
// mempool.size).
func (c MempoolConfig) Limits(size int) app.MempoolLimits {
	return app.MempoolLimits{Size: size, Window: c.Window, PerAccount: c.PerAccount, DepartmentPercent: c.DepartmentPercent,
		NearlyFullPercent: c.NearlyFullPercent, TTLBlocks: c.TTLBlocks, TTL: c.TTL}
}

func (c MempoolConfig) validate() error {
	switch {
	case c.Window < 1 || c.PerAccount < 1 || c.TTLBlocks < 1 || c.TTL <= 0:
		return errors.New("[mempool] window, per_account, ttl_blocks and ttl must be positive")
	case c.DepartmentPercent < 1 || c.DepartmentPercent > 100 || c.NearlyFullPercent < 1 || c.NearlyFullPercent > 100:
		return errors.New("[mempool] department_percent and nearly_full_percent are 1 to 100")
	}
	return nil
}

// DefaultAppConfig is what init writes.
func DefaultAppConfig() AppConfig {
	l := app.DefaultMempoolLimits()
	return AppConfig{HTTP: "127.0.0.1:8080", LogLevel: "error",
		HTTPMaxConnections: 1000, HTTPReservedConnections: 16, HTTPMaxConnectionsPerAddress: 64, HTTPReadHeaderTimeout: 5 * time.Second, HTTPReadTimeout: 30 * time.Second,
		HTTPWriteTimeout: 60 * time.Second, HTTPIdleTimeout: 60 * time.Second, HTTPMaxHeaderBytes: 32 << 10,
		HTTPHeavyReadWait: 10 * time.Second,
		Mempool: MempoolConfig{Window: l.Window, PerAccount: l.PerAccount,
			DepartmentPercent: l.DepartmentPercent, NearlyFullPercent: l.NearlyFullPercent, TTLBlocks: l.TTLBlocks, TTL: l.TTL}}
}

// checkHTTP refuses settings that would leave the API unbounded.
func (c AppConfig) checkHTTP() error {
	switch {
	case c.HTTPMaxConnections < 1:
		return fmt.Errorf("http_max_connections must be at least 1")
	case c.HTTPReservedConnections < 0, c.HTTPMaxConnectionsPerAddress < 0:
		return fmt.Errorf("http_reserved_connections and http_max_connections_per_address must not be negative")
	case c.HTTPReadHeaderTimeout <= 0, c.HTTPReadTimeout <= 0, c.HTTPWriteTimeout <= 0, c.HTTPIdleTimeout <= 0, c.HTTPHeavyReadWait <= 0:
		return fmt.Errorf("the http_*_timeout settings and http_heavy_read_wait must be positive durations, e.g. \"30s\"")
	case c.HTTPMaxHeaderBytes < 4096:
		return fmt.Errorf("http_max_header_bytes must be at least 4096")
	case c.HTTPHeavyReads < 0, c.StallAfter < 0:
		return fmt.Errorf("http_heavy_reads and stall_after must not be negative")
	}
	return nil
}

// WriteAppConfig writes config/app.toml.
func WriteAppConfig(h Home, c AppConfig) error {
	f, err := os.OpenFile(h.AppConfigFile(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	fmt.Fprintln(f, "# govchain settings. CometBFT's own settings are in config.toml.")
	if err := toml.NewEncoder(f).Encode(c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadAppConfig reads config/app.toml over the defaults: a key the file
// does not set (a home written before the key existed) takes the default.
func LoadAppConfig(h Home) (AppConfig, error) {
	c := DefaultAppConfig()
	if _, err := os.Stat(h.AppConfigFile()); os.IsNotExist(err) {
		return c, nil
	}
	if _, err := toml.DecodeFile(h.AppConfigFile(), &c); err != nil {
		return c, err
	}
	return c, c.Mempool.validate()
}

// DefaultCometConfig is CometBFT's configuration as govchain tunes it (see
// docs/operations.md and ../shared/notes for why each value).
func DefaultCometConfig(home string) *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(home)
	cfg.Moniker = "govchain"
	cfg.LogLevel = "error"
	cfg.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	cfg.P2P.ListenAddress = "tcp://127.0.0.1:26656"
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.AddrBookStrict = false
	cfg.Consensus.TimeoutCommit = 500 * time.Millisecond
	cfg.Consensus.CreateEmptyBlocks = true
	cfg.Consensus.CreateEmptyBlocksInterval = 10 * time.Second
	cfg.Mempool.Size = 50000
	cfg.Mempool.CacheSize = 100000
	cfg.Mempool.MaxTxBytes = 64 << 10
	cfg.TxIndex.Indexer = "null"
	cfg.Instrumentation.Prometheus = false
	return cfg
}

// LoadCometConfig reads config/config.toml the way CometBFT's own command
// does (viper over the defaults).
func LoadCometConfig(h Home) (*cmtcfg.Config, error) {
	cfg := DefaultCometConfig(string(h))
	v := viper.New()
	v.SetConfigFile(h.ConfigFile())
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("node: reading %s: %w", h.ConfigFile(), err)
	}
	if err := v.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("node: parsing %s: %w", h.ConfigFile(), err)
	}
	cfg.SetRoot(string(h))
	if err := cfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("node: %s: %w", h.ConfigFile(), err)
	}
	if !cfg.Mempool.Recheck || cfg.Mempool.Type != cmtcfg.MempoolTypeFlood {
		// The app's mempool accounting is rebuilt by the rechecks after
		// every block, and expiry happens there (app/sequence.go).
		return nil, fmt.Errorf("node: %s: govchain needs mempool.type = %q and mempool.recheck = true", h.ConfigFile(), cmtcfg.MempoolTypeFlood)
	}
	return cfg, nil
}

// CheckHTTPAddr checks an API listen address: host:port, where an empty
// host listens on every interface and port 0 picks a free port.
func CheckHTTPAddr(addr string) error {
	if strings.Contains(addr, "://") {
		return fmt.Errorf("%q: give host:port without a scheme, e.g. 127.0.0.1:8080", addr)
	}
	return checkHostPort(addr, "127.0.0.1:8080", false)
}

// CometListenAddr checks a CometBFT listen address and returns it in the
// form CometBFT wants: tcp://host:port (host:port alone means tcp), or, where
// unix is allowed (the RPC), unix:///path. The p2p address needs a host.
func CometListenAddr(addr string, p2p bool) (string, error) {
	example := "tcp://127.0.0.1:26657"
	if p2p {
		example = "tcp://127.0.0.1:26656"
	}
	scheme, rest, ok := strings.Cut(addr, "://")
	if !ok {
		scheme, rest = "tcp", addr
	}
	switch {
	case scheme == "unix" && !p2p:
		if rest == "" {
			return "", fmt.Errorf("%q: a unix socket needs a path, e.g. unix:///var/run/govchain.sock", addr)
		}
		return addr, nil
	case scheme != "tcp":
		return "", fmt.Errorf("%q: the scheme must be tcp://, e.g. %s", addr, example)
	}
	if err := checkHostPort(rest, strings.TrimPrefix(example, "tcp://"), p2p); err != nil {
		return "", err
	}
	return "tcp://" + rest, nil
}

// checkHostPort checks host:port without resolving the host.
func checkHostPort(addr, example string, needHost bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port, e.g. %s", addr, example)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%q: the port must be a number from 0 to 65535 (0 picks a free one)", addr)
	}
	if host == "" {
		if needHost {
			return fmt.Errorf("%q: give a host, e.g. %s", addr, example)
		}
		return nil
	}
	if net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("%q: %q is neither an IP address nor a host name", addr, host)
	}
	return nil
}

// validHostname reports whether s is a syntactically valid DNS name.
func validHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// DialAddr turns a listen address (host:port, as in app.toml) into one to
// connect to: an empty or unspecified host (0.0.0.0, ::) becomes loopback.
func DialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// EphemeralPortsFrom is the first port of the kernel's ephemeral range
// (Linux: /proc/sys/net/ipv4/ip_local_port_range; 32768 elsewhere or when
// it leaves too little room below it). Tools that pick listen ports for
// nodes they may kill and restart pick them below it: a port in the range
// can be taken by an outgoing connection as its local port while the node
// is down.
func EphemeralPortsFrom() int {
	const dflt = 32768
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return dflt
	}
	f := strings.Fields(string(b))
	if len(f) < 1 {
		return dflt
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil || lo < 22000 {
		return dflt
	}
	return lo
}
