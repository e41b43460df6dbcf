package node

import (
	"fmt"
	"os"
	"time"

	"github.com/BurntSushi/toml"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"
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
}

// DefaultAppConfig is what init writes.
func DefaultAppConfig() AppConfig {
	return AppConfig{HTTP: "127.0.0.1:8080", LogLevel: "error",
		HTTPMaxConnections: 1000, HTTPReadHeaderTimeout: 5 * time.Second, HTTPReadTimeout: 30 * time.Second,
		HTTPWriteTimeout: 60 * time.Second, HTTPIdleTimeout: 60 * time.Second, HTTPMaxHeaderBytes: 32 << 10,
		HTTPHeavyReadWait: 10 * time.Second}
}

// checkHTTP refuses settings that would leave the API unbounded.
func (c AppConfig) checkHTTP() error {
	switch {
	case c.HTTPMaxConnections < 1:
		return fmt.Errorf("http_max_connections must be at least 1")
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

// LoadAppConfig reads config/app.toml (defaults where absent).
func LoadAppConfig(h Home) (AppConfig, error) {
	c := DefaultAppConfig()
	if _, err := os.Stat(h.AppConfigFile()); os.IsNotExist(err) {
		return c, nil
	}
	_, err := toml.DecodeFile(h.AppConfigFile(), &c)
	return c, err
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
	return cfg, nil
}
