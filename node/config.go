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
}

// DefaultAppConfig is what init writes.
func DefaultAppConfig() AppConfig {
	return AppConfig{HTTP: "127.0.0.1:8080", LogLevel: "error"}
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
