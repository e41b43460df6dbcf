package node

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
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
