package cli

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/procurement"
	"github.com/govchain/govchain/x/registry"
)

type benchOpts struct {
	txs         int
	accounts    int
	concurrency int
	batch       int
	rate        float64 // offered load in tx/s (0: closed loop)
	noop        bool
	from        string
	keep        bool
	cpuprofile  string
	memprofile  string
	profileFrom int          // --profile-from
	keepRecent  uint64       // --keep-recent: prune the chains bench starts
	profile     *loadProfile // the first load phase's CPU profile, when --cpuprofile
	cluster     int
	window      int
	national    bool
	workload    string
	chain       node.ChainOptions // of the chains bench creates
	index       bool              // also run with the embedded SQL index (bench_index.go)
	withIndex   bool              // this run's node indexes
}

// BenchResult is what `govchain bench --output json` prints.
type BenchResult struct {
	Workload  string         `json:"workload"`
	Txs       int            `json:"txs"`
	Committed int            `json:"committed"`
	Failed    int            `json:"failed"`
	Failures  map[string]int `json:"failures,omitempty"` // by codespace/code

	// Long runs (--window): the rate of each window of committed txs.
	Windows []BenchWindow `json:"windows,omitempty"`
	// PeakRSSMB is the bench process's peak resident memory (the node and
	// the load generator: bench runs the node in process).
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
	// Storage after the run: our database and CometBFT's data (block
	// store, state, WAL), in bytes per committed tx of the run.
	DBBytes           int64   `json:"db_bytes,omitempty"`
	CometBytes        int64   `json:"comet_bytes,omitempty"`
	DBBytesPerTx      float64 `json:"db_bytes_per_tx,omitempty"`
	CometBytesPerTx   float64 `json:"comet_bytes_per_tx,omitempty"`
	RestartToServingS float64 `json:"restart_to_serving_s,omitempty"`
	// With --cluster: for each validator, the share of executed txs whose
	// signature it had verified before execution.
	SigCacheHitRates []float64 `json:"sig_cache_hit_rates,omitempty"`
	// OfferedPerSec is --rate: the open-loop offered load (0: closed loop).
	OfferedPerSec   float64 `json:"offered_tx_per_s,omitempty"`
	Seconds         float64 `json:"seconds"`
	CommittedPerSec float64 `json:"committed_tx_per_s"`
	P50ms           float64 `json:"p50_ms"`
	P99ms           float64 `json:"p99_ms"`
	Blocks          int64   `json:"blocks"`
	TxBytes         int     `json:"tx_bytes"`
	NoopPerSec      float64 `json:"noop_committed_tx_per_s,omitempty"`
	NoopP50ms       float64 `json:"noop_p50_ms,omitempty"`
	NoopP99ms       float64 `json:"noop_p99_ms,omitempty"`
	NoopBlocks      int64   `json:"noop_blocks,omitempty"`
	Validators      int     `json:"validators"`
	SinglePerSec    float64 `json:"single_validator_committed_tx_per_s,omitempty"`
	SingleP50ms     float64 `json:"single_validator_p50_ms,omitempty"`
	SingleP99ms     float64 `json:"single_validator_p99_ms,omitempty"`
	NationalPerSec  float64 `json:"sm2_sm3_committed_tx_per_s,omitempty"`
	NationalP50ms   float64 `json:"sm2_sm3_p50_ms,omitempty"`
	NationalP99ms   float64 `json:"sm2_sm3_p99_ms,omitempty"`
	RatioToNoop     float64 `json:"ratio_to_noop,omitempty"`
	// With --index: the same load on a node running the embedded SQL
	// index (SQLite), and how long the index took to catch up after it.
	IndexedPerSec    float64 `json:"indexed_committed_tx_per_s,omitempty"`
	IndexedP50ms     float64 `json:"indexed_p50_ms,omitempty"`
	IndexedP99ms     float64 `json:"indexed_p99_ms,omitempty"`
	IndexCatchupSecs float64 `json:"index_catchup_s,omitempty"`
	Machine          string  `json:"machine"`
}

func benchCmd(g *globals) *cobra.Command {
	var o benchOpts
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure committed throughput and submit-to-commit latency",
		Long: `bench starts a fresh single-validator chain in a temporary directory (or, with
--node, targets a running node), registers --accounts registrar officials, signs
--txs transactions (each registers a citizen account) ahead of time, then submits
them through the HTTP API with --concurrency workers in batches of --batch, each
waiting for its commit. It reports committed tx/s, p50/p99 submit-to-commit
latency and the number of blocks. With --noop (the default when bench starts its
own chain) it then runs the same load against a no-op application under the same
CometBFT configuration, so our cost can be compared with the engine's own.

Latency is measured per batch, from sending it to the reply that all of it
committed, and counted for every tx in the batch (an upper bound per tx).

By default the load is a closed loop: each worker sends its next batch when
the last one committed, so a block's clients all resend at once after it.
--rate R offers R tx/s instead (an open loop, as users arrive): batch k is
due at k*batch/R seconds from the start, whatever happened to the others;
a worker whose previous batch has not committed sends late, and latency is
counted from when the batch was due, so a node that falls behind shows it
in p99 rather than hiding it. --concurrency must then cover R times the
latency (in batches), or the load falls back to a closed loop.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.workload != "identity" && o.workload != "registry" && o.workload != "procurement" && o.workload != "datashare" {
				return usageErr("--workload is identity, registry, procurement or datashare")
			}
			if o.txs < 1 || o.accounts < 1 || o.concurrency < 1 || o.batch < 1 || o.batch > 1000 || o.rate < 0 {
				return usageErr("--txs, --accounts, --concurrency must be positive; --batch 1 to 1000; --rate not negative")
			}
			// A worker sends one account's txs in order, one batch in
			// flight, so workers beyond the accounts would have nothing
			// to send.
			if o.accounts < o.concurrency {
				if cmd.Flags().Changed("accounts") {
					return usageErr("--accounts %d is below --concurrency %d: each worker needs an account of its own", o.accounts, o.concurrency)
				}
				o.accounts = o.concurrency
			}
			if o.profileFrom < 0 || o.profileFrom > 0 && o.cpuprofile == "" && o.memprofile == "" {
				return usageErr("--profile-from needs --cpuprofile or --memprofile, and is not negative")
			}
			own := !cmd.Flags().Changed("node")
			if !own && o.noop && cmd.Flags().Changed("noop") {
				return usageErr("--noop needs a chain of its own: drop --node")
			}
			ctx := cmd.Context()
			tuneGC() // the node runs in this process, as under govchain start
			if o.cpuprofile != "" || o.memprofile != "" {
				o.profile = &loadProfile{path: o.cpuprofile, heap: o.memprofile, from: o.profileFrom}
			}
			var res BenchResult
			var err error
			switch {
			case o.cluster > 0:
				res, err = g.benchCluster(ctx, o, false)
			case own:
				res, err = g.benchOwn(ctx, o, false)
			default:
				c := g.client()
				if res, err = g.benchAgainst(ctx, c, o, g.loadKey); err == nil {
					res.Validators, err = validatorCount(ctx, c)
				}
			}
			if err != nil {
				return err
			}
			if o.cluster > 0 {
				// The single-validator figure from the same run, beside it.
				single, err := g.benchOwn(ctx, o, false)
				if err != nil {
					return fmt.Errorf("single-validator run: %w", err)
				}
				res.SinglePerSec, res.SingleP50ms, res.SingleP99ms = single.CommittedPerSec, single.P50ms, single.P99ms
			}
			if o.national {
				// The same load on a chain with the SM3 hash suite whose
				// accounts all sign with SM2, in the same run.
				no := o
				no.chain = node.ChainOptions{HashSuite: crypto.SuiteSM3.Name, AdminAlgo: crypto.AlgSM2}
				nres, err := g.benchOwn(ctx, no, false)
				if err != nil {
					return fmt.Errorf("sm2+sm3 run: %w", err)
				}
				res.NationalPerSec, res.NationalP50ms, res.NationalP99ms = nres.CommittedPerSec, nres.P50ms, nres.P99ms
			}
			if o.index && own && o.cluster == 0 {
				if err := g.benchIndexed(ctx, o, &res); err != nil {
					return fmt.Errorf("indexed run: %w", err)
				}
			}
			if own && o.noop {
				run := g.benchOwn
				if o.cluster > 0 {
					run = g.benchCluster
				}
				nres, err := run(ctx, o, true)
				if err != nil {
					return fmt.Errorf("noop run: %w", err)
				}
				res.NoopPerSec, res.NoopP50ms, res.NoopP99ms, res.NoopBlocks = nres.CommittedPerSec, nres.P50ms, nres.P99ms, nres.Blocks
				if nres.CommittedPerSec > 0 {
					res.RatioToNoop = res.CommittedPerSec / nres.CommittedPerSec
				}
			}
			return g.print(res, func(w io.Writer) { printBench(w, res) })
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.txs, "txs", 20000, "transactions to submit")
	f.IntVar(&o.accounts, "accounts", 64, "signing accounts (each signs txs/accounts in sequence; raised to --concurrency when below it)")
	f.IntVar(&o.concurrency, "concurrency", 32, "concurrent submitters")
	f.IntVar(&o.batch, "batch", 100, "transactions per HTTP request")
	f.Float64Var(&o.rate, "rate", 0, "offer this many tx/s (open loop, latency counted from when each batch was due) instead of resending on commit")
	f.BoolVar(&o.noop, "noop", true, "also measure a no-op application with the same configuration")
	f.StringVar(&o.from, "from", node.AdminKeyName("cab"), "with --node: key (in --home) of a department admin that creates the bench accounts")
	f.BoolVar(&o.keep, "keep", false, "keep the temporary chain directory")
	f.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the first load phase (node and load generator, in this process; signing ahead excluded) to this file")
	f.IntVar(&o.cluster, "cluster", 0, "run a local testnet of this many validators (separate processes) instead of one in-process validator")
	f.StringVar(&o.workload, "workload", "identity", "identity (register citizens), registry (register parcels and sell them on conditions), procurement (whole tenders: 50 sealed bids, 5 evaluators, award to payment) or datashare (access-log entries under one grant)")
	f.StringVar(&o.memprofile, "memprofile", "", "write a heap profile at the end of the first load phase to this file")
	f.Uint64Var(&o.keepRecent, "keep-recent", 0, "on the chain bench starts, keep only this many recent state versions (app.toml keep_recent; 0 keeps all), to measure storage with pruning")
	f.IntVar(&o.profileFrom, "profile-from", 0, "start --cpuprofile (and take --memprofile at the end) only once this many txs committed: the profile of a long run's late windows")
	f.IntVar(&o.window, "window", 0, "report the committed rate of each window of this many txs (for long runs, e.g. --txs 10000000 --window 1000000)")
	f.BoolVar(&o.national, "national", false, "also run the load on a chain with the SM3 hash suite and SM2 accounts")
	f.BoolVar(&o.index, "index", false, "also run the load on a node with the embedded SQL index (govchain start --index) and report both")
	return cmd
}

func printBench(w io.Writer, r BenchResult) {
	fmt.Fprintf(w, "chain:      %d validator(s)\n", r.Validators)
	fmt.Fprintf(w, "workload:   %s, %d txs of %d bytes\n", r.Workload, r.Txs, r.TxBytes)
	fmt.Fprintf(w, "committed:  %d ok, %d failed in %.1f s over %d blocks\n", r.Committed, r.Failed, r.Seconds, r.Blocks)
	if len(r.Failures) > 0 {
		codes := slices.Sorted(maps.Keys(r.Failures))
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%s x%d", c, r.Failures[c]))
		}
		fmt.Fprintf(w, "failures:   %s (codespace/code)\n", strings.Join(parts, ", "))
	}
	if r.OfferedPerSec > 0 {
		fmt.Fprintf(w, "throughput: %.0f committed tx/s at an offered %.0f tx/s (open loop)\n", r.CommittedPerSec, r.OfferedPerSec)
	} else {
		fmt.Fprintf(w, "throughput: %.0f committed tx/s\n", r.CommittedPerSec)
	}
	fmt.Fprintf(w, "latency:    p50 %.0f ms, p99 %.0f ms (submit to commit)\n", r.P50ms, r.P99ms)
	if r.NoopPerSec > 0 {
		fmt.Fprintf(w, "no-op app:  %.0f tx/s, p50 %.0f ms, p99 %.0f ms over %d blocks; govchain reaches %.0f%% of it\n",
			r.NoopPerSec, r.NoopP50ms, r.NoopP99ms, r.NoopBlocks, 100*r.RatioToNoop)
	}
	if r.NationalPerSec > 0 {
		fmt.Fprintf(w, "SM2+SM3:    %.0f tx/s, p50 %.0f ms, p99 %.0f ms (same run, SM2 accounts on an SM3 chain)\n", r.NationalPerSec, r.NationalP50ms, r.NationalP99ms)
	}
	if r.SinglePerSec > 0 {
		fmt.Fprintf(w, "1 validator: %.0f tx/s, p50 %.0f ms, p99 %.0f ms (same run)\n", r.SinglePerSec, r.SingleP50ms, r.SingleP99ms)
	}
	for _, win := range r.Windows {
		fmt.Fprintf(w, "window:     txs %d-%d: %.0f tx/s over %.1f s, peak RSS %.0f MB\n", win.From, win.To, win.TxPerSec, win.Seconds, win.PeakRSSMB)
	}
	if len(r.SigCacheHitRates) > 0 {
		var parts []string
		for _, h := range r.SigCacheHitRates {
			parts = append(parts, fmt.Sprintf("%.1f%%", 100*h))
		}
		fmt.Fprintf(w, "sig cache:  %s of executed txs verified before execution, by validator\n", strings.Join(parts, ", "))
	}
	if r.PeakRSSMB > 0 {
		fmt.Fprintf(w, "memory:     peak RSS %.0f MB (node and load generator, one process)\n", r.PeakRSSMB)
	}
	if r.DBBytes > 0 {
		fmt.Fprintf(w, "storage:    at rest after the run: govchain.db %.1f MB (%.0f bytes per tx), CometBFT data %.1f MB (%.0f bytes per tx)\n",
			float64(r.DBBytes)/1e6, r.DBBytesPerTx, float64(r.CometBytes)/1e6, r.CometBytesPerTx)
	}
	if r.RestartToServingS > 0 {
		fmt.Fprintf(w, "restart:    serving again %.2f s after start on that home\n", r.RestartToServingS)
	}
	if r.IndexedPerSec > 0 {
		fmt.Fprintf(w, "indexed:    %.0f tx/s, p50 %.0f ms, p99 %.0f ms with the embedded SQL index (same run); index caught up %.1f s after the load\n",
			r.IndexedPerSec, r.IndexedP50ms, r.IndexedP99ms, r.IndexCatchupSecs)
	}
	fmt.Fprintf(w, "machine:    %s\n", r.Machine)
}

// benchOwn runs the load against a fresh in-process chain.
func (g *globals) benchOwn(ctx context.Context, o benchOpts, noop bool) (res BenchResult, err error) {
	dir, err := os.MkdirTemp("", "govchain-bench-")
	if err != nil {
		return BenchResult{}, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	home := node.Home(filepath.Join(dir, "home"))
	if err := node.InitDev(home, time.Now(), node.DevOptions{ChainOptions: o.chain, P2P: "tcp://127.0.0.1:0", RPC: "tcp://127.0.0.1:0", RoleGrantors: benchGrantors(o)}); err != nil {
		return BenchResult{}, err
	}
	if o.keepRecent > 0 {
		acfg, err := node.LoadAppConfig(home)
		if err != nil {
			return BenchResult{}, err
		}
		acfg.KeepRecent = o.keepRecent
		if err := node.WriteAppConfig(home, acfg); err != nil {
			return BenchResult{}, err
		}
	}
	n, err := node.Start(home, node.Options{HTTP: "127.0.0.1:0", Log: io.Discard, Noop: noop, Index: o.withIndex})
	if err != nil {
		return BenchResult{}, err
	}
	defer n.Stop()
	c := client.New(n.HTTPAddr())
	if err := waitHeight(ctx, c, 1); err != nil {
		return BenchResult{}, err
	}
	loadKey := func(name string) (*crypto.PrivateKey, error) {
		k, _, err := crypto.ReadKeyFile(home.KeyFile(name))
		return k, err
	}
	if noop {
		res, err = g.runLoad(ctx, c, o, nil, "no-op application")
	} else {
		res, err = g.benchAgainst(ctx, c, o, loadKey)
	}
	res.Validators = 1
	if err == nil && o.withIndex {
		g.indexCatchup(ctx, n, &res)
	}
	if err != nil || noop {
		return res, err
	}
	// How long the node takes to serve again on that home, and the
	// storage the run left at rest (after that restart and a clean stop,
	// so that write-ahead logs already flushed are not counted).
	n.Stop()
	t0 := time.Now()
	n2, err := node.Start(home, node.Options{HTTP: "127.0.0.1:0", Log: io.Discard})
	if err != nil {
		return res, fmt.Errorf("restart: %w", err)
	}
	err = waitServing(ctx, client.New(n2.HTTPAddr()))
	res.RestartToServingS = time.Since(t0).Seconds()
	n2.Stop()
	if err != nil {
		return res, fmt.Errorf("restart: %w", err)
	}
	res.DBBytes = dirBytes(home.DBDir())
	res.CometBytes = dirBytes(filepath.Join(string(home), "data")) - res.DBBytes - dirBytes(home.IndexFile())
	if res.Committed > 0 {
		res.DBBytesPerTx = float64(res.DBBytes) / float64(res.Committed)
		res.CometBytesPerTx = float64(res.CometBytes) / float64(res.Committed)
	}
	return res, nil
}

// waitServing waits until the node answers its status (the API serves
// committed state).
func waitServing(ctx context.Context, c *client.Client) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := c.Status(ctx); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("the node did not serve within 5 minutes")
}

// benchGrantors lets every department of the bench's own chains grant the
// registry roles its actors hold together (a consortium of one mind: the
// bench measures execution, not who may grant what).
func benchGrantors(o benchOpts) map[string][]string {
	every := []string{module.AnyDepartment}
	if o.workload == "procurement" {
		return map[string][]string{procurement.RoleOfficer: every, procurement.RoleMarket: every, procurement.RoleEvaluator: every}
	}
	if o.workload != "registry" {
		return nil
	}
	return map[string][]string{registry.RoleRegistrar: every, registry.RoleBank: every, registry.RoleTax: every}
}

// benchCluster runs the load against a fresh local testnet of o.cluster
// validators, each a separate govchain process, submitting through node0.
func (g *globals) benchCluster(ctx context.Context, o benchOpts, noop bool) (BenchResult, error) {
	dir, err := os.MkdirTemp("", "govchain-bench-cluster-")
	if err != nil {
		return BenchResult{}, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	self, err := os.Executable()
	if err != nil {
		return BenchResult{}, err
	}
	base, err := freePortRange(10 * o.cluster)
	if err != nil {
		return BenchResult{}, err
	}
	tn, err := node.InitTestnet(filepath.Join(dir, "net"), node.TestnetOptions{Validators: o.cluster, BasePort: base, Now: time.Now(), RoleGrantors: benchGrantors(o)})
	if err != nil {
		return BenchResult{}, err
	}
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			p.Process.Signal(syscall.SIGTERM)
			p.Wait()
		}
	}()
	for _, n := range tn.Nodes {
		args := []string{"start", "--home", n.Home}
		if noop {
			args = append(args, "--noop")
		}
		p := exec.Command(self, args...)
		if err := p.Start(); err != nil {
			return BenchResult{}, err
		}
		procs = append(procs, p)
	}
	c := client.New(tn.Nodes[0].API)
	if err := waitHeight(ctx, c, 1); err != nil {
		return BenchResult{}, err
	}
	var res BenchResult
	if noop {
		res, err = g.runLoad(ctx, c, o, nil, "no-op application")
	} else {
		res, err = g.benchAgainst(ctx, c, o, func(name string) (*crypto.PrivateKey, error) {
			k, _, err := crypto.ReadKeyFile(node.Home(tn.Nodes[0].Home).KeyFile(node.AdminKeyName(tn.Nodes[0].Department)))
			return k, err
		})
	}
	res.Validators = o.cluster
	res.PeakRSSMB = 0 // the load generator's alone: the nodes are other processes
	if err == nil && !noop {
		// How many of the executed txs each validator had verified
		// before the block came (in its mempool): the rest it verified
		// while executing, on the consensus goroutine.
		for _, n := range tn.Nodes {
			hits, misses, merr := sigCacheMetrics(ctx, n.API)
			if merr != nil {
				return res, fmt.Errorf("metrics of %s: %w", n.API, merr)
			}
			res.SigCacheHitRates = append(res.SigCacheHitRates, hits/max(hits+misses, 1))
		}
	}
	return res, err
}

// sigCacheMetrics reads a node's block signature cache counters from
// /metrics.
func sigCacheMetrics(ctx context.Context, api string) (hits, misses float64, err error) {
	if !strings.Contains(api, "://") {
		api = "http://" + api
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(api, "/")+"/metrics", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(val, 64)
		switch name {
		case "govchain_block_sig_cache_hits_total":
			hits = v
		case "govchain_block_sig_cache_misses_total":
			misses = v
		}
	}
	return hits, misses, nil
}

// validatorCount is the size of the validator set that signed the node's
// latest block, from its light block (GET /v1/light/{height}).
func validatorCount(ctx context.Context, c *client.Client) (int, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return 0, err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, fmt.Sprintf("/v1/light/%d", st.LatestHeight), &raw); err != nil {
		return 0, fmt.Errorf("bench: validators at height %d: %w", st.LatestHeight, err)
	}
	lb, err := verify.DecodeLightBlock(raw)
	if err != nil {
		return 0, fmt.Errorf("bench: validators at height %d: %w", st.LatestHeight, err)
	}
	return lb.ValidatorSet.Size(), nil
}

// freePortRange finds n consecutive free loopback ports.
func freePortRange(n int) (int, error) {
	// Below the kernel's ephemeral range: a port from it can be taken by
	// an outgoing connection while its node is down.
	span := node.EphemeralPortsFrom() - 20000 - n
	if span < 1 {
		return 0, errors.New("bench: no port range below the ephemeral ports")
	}
	for try := 0; try < 100; try++ {
		base := 20000 + rand.IntN(span)
		ok := true
		for i := 0; i < n && ok; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base, nil
		}
	}
	return 0, errors.New("bench: no free port range")
}

func waitHeight(ctx context.Context, c *client.Client, h int64) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := c.Status(ctx); err == nil && st.LatestHeight >= h {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("bench: the node produced no block within 60s")
}

// benchKey derives bench key i deterministically (fast, reproducible runs).
func benchKey(algo, kind string, i int) *crypto.PrivateKey {
	if algo == "" {
		algo = crypto.AlgEd25519
	}
	seed := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("govchain-bench/"+kind), uint64(i)))
	for {
		if k, err := crypto.KeyFromSeed(algo, seed[:]); err == nil {
			return k
		}
		seed = sha256.Sum256(seed[:]) // out of the SM2 scalar range: rehash
	}
}

// benchAgainst creates the signing accounts, then runs the load.
func (g *globals) benchAgainst(ctx context.Context, c *client.Client, o benchOpts, loadKey func(string) (*crypto.PrivateKey, error)) (BenchResult, error) {
	if o.workload == "registry" {
		return g.benchRegistry(ctx, c, o, loadKey)
	}
	if o.workload == "procurement" {
		return g.benchProcurement(ctx, c, o, loadKey)
	}
	if o.workload == "datashare" {
		return g.benchDatashare(ctx, c, o, loadKey)
	}
	signers, err := createBenchAccounts(ctx, c, o, loadKey, "registrar", identity.RoleRegistrar)
	if err != nil {
		return BenchResult{}, err
	}
	return g.runLoad(ctx, c, o, signers, "identity.create_account (register a citizen)")
}

// createBenchAccounts has the admin --from create o.accounts officials with
// roles (deterministic keys, salted per run so that repeated runs against
// one node do not collide) and waits for them to commit.
func createBenchAccounts(ctx context.Context, c *client.Client, o benchOpts, loadKey func(string) (*crypto.PrivateKey, error), kind string, roles ...string) ([]*client.Signer, error) {
	admin, err := loadKey(o.from)
	if err != nil {
		return nil, err
	}
	as, err := c.NewSigner(ctx, admin, "")
	if err != nil {
		return nil, err
	}
	salt := fmt.Sprint(time.Now().UnixNano() % 1_000_000_000)
	var setup [][]byte
	signers := make([]*client.Signer, o.accounts)
	for i := range signers {
		k := benchKey(o.chain.AdminAlgo, kind+"/"+salt, i)
		raw, err := as.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles}))
		if err != nil {
			return nil, err
		}
		setup = append(setup, raw)
		signers[i] = &client.Signer{Key: k, Address: k.Address(), ChainID: as.ChainID}
	}
	return signers, submitSetup(ctx, c, setup)
}

// runLoad signs o.txs transactions up front (from signers; nil signers means
// the no-op app, which gets the same bytes from throwaway keys) and submits
// them, recording per-tx latency.
func (g *globals) runLoad(ctx context.Context, c *client.Client, o benchOpts, signers []*client.Signer, workload string) (BenchResult, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	if signers == nil {
		signers = make([]*client.Signer, o.accounts)
		for i := range signers {
			k := benchKey(o.chain.AdminAlgo, "noop", i)
			signers[i] = &client.Signer{Key: k, Address: k.Address(), ChainID: st.ChainID}
		}
	}
	if o.txs > preSignMax {
		return g.streamLoad(ctx, c, o, signers, st.LatestHeight, workload)
	}
	bar := progressbar.NewOptions(o.txs, progressbar.OptionSetWriter(g.stderr), progressbar.OptionSetVisibility(g.terminal()), progressbar.OptionSetDescription("signing   "),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	// perAccount[i] is account i's txs in sequence order.
	perAccount := make([][][]byte, len(signers))
	txBytes := 0
	for j := 0; j < o.txs; j++ {
		i := j % len(signers)
		k := benchKey(o.chain.AdminAlgo, "citizen/"+signers[i].Address, j)
		raw, err := signers[i].Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
		if err != nil {
			return BenchResult{}, err
		}
		perAccount[i] = append(perAccount[i], raw)
		txBytes = len(raw)
		bar.Add(1)
	}
	bar.Finish()

	return g.submitAll(ctx, c, o, perAccount, txBytes, st.LatestHeight, workload)
}

// submitAll submits each account's txs in order, with o.concurrency
// workers and o.batch txs per request, and measures.
func (g *globals) submitAll(ctx context.Context, c *client.Client, o benchOpts, perAccount [][][]byte, txBytes int, startHeight int64, workload string) (BenchResult, error) {
	total := 0
	for _, txs := range perAccount {
		total += len(txs)
	}
	// Each worker owns some accounts and sends their txs in order, one
	// batch in flight at a time, so sequences arrive in order.
	jobs := make([][]loadJob, o.concurrency)
	for i, txs := range perAccount {
		w := i % o.concurrency
		for s := 0; s < len(txs); s += o.batch {
			jobs[w] = append(jobs[w], loadJob{txs: txs[s:min(s+o.batch, len(txs))]})
		}
	}
	return g.submitJobs(ctx, c, o, jobs, total, txBytes, startHeight, workload)
}

// loadJob is one batch of one account's txs: signed ahead, or signed by
// gen when its worker comes to it (long runs).
type loadJob struct {
	txs [][]byte
	gen func() ([][]byte, error)
}

// submitJobs runs the workers over jobs (jobs[w] is worker w's, in order)
// and measures.
func (g *globals) submitJobs(ctx context.Context, c *client.Client, o benchOpts, jobs [][]loadJob, total, txBytes int, startHeight int64, workload string) (BenchResult, error) {
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(g.stderr), progressbar.OptionSetVisibility(g.terminal()), progressbar.OptionSetDescription("committing"),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	var (
		mu        sync.Mutex
		latencies []time.Duration
		committed atomic.Int64
		failed    atomic.Int64
		failures  = map[string]int{}
		firstErr  error
		wg        sync.WaitGroup
	)
	if o.profile != nil && o.profile.from > 0 {
		// Profile from the from-th committed tx to the end of the load:
		// how a long run spends its time once the state is large.
		var (
			pmu  sync.Mutex
			stop = func() {}
			done = make(chan struct{})
		)
		go func() {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				if committed.Load() < int64(o.profile.from) {
					continue
				}
				pmu.Lock()
				select {
				case <-done: // the load ended meanwhile: nothing to profile
					pmu.Unlock()
					return
				default:
				}
				if s, err := o.profile.start(); err == nil {
					stop = s
				} else {
					fmt.Fprintf(g.stderr, "bench: profile: %v\n", err)
				}
				pmu.Unlock()
				return
			}
		}()
		defer func() {
			close(done)
			pmu.Lock()
			stop()
			pmu.Unlock()
		}()
	} else if stop, err := o.profile.start(); err != nil {
		return BenchResult{}, err
	} else {
		defer stop()
	}
	start := time.Now()
	mon := startMonitor(start, &committed, o.window, g.stderr)
	for w := range jobs {
		wg.Add(1)
		go func(w int, js []loadJob) {
			defer wg.Done()
			for k, j := range js {
				// Open loop: the worker's k-th batch is the (k*W+w)-th of
				// the run, due at that many batch intervals from the start.
				var due time.Time
				if o.rate > 0 {
					due = start.Add(time.Duration(float64(k*len(jobs)+w) * float64(o.batch) / o.rate * float64(time.Second)))
					if d := time.Until(due); d > 0 {
						select {
						case <-time.After(d):
						case <-ctx.Done():
							return
						}
					}
				}
				if j.gen != nil {
					var err error
					if j.txs, err = j.gen(); err != nil {
						mu.Lock()
						firstErr = cmp.Or(firstErr, err)
						mu.Unlock()
						return
					}
				}
				t0 := time.Now()
				if o.rate > 0 {
					t0 = due // a late send's wait is part of its latency
				}
				res, err := submitRetry(ctx, c, j.txs)
				d := time.Since(t0)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				mu.Lock()
				for _, r := range res {
					if r.Committed && r.Code == 0 {
						committed.Add(1)
						latencies = append(latencies, d)
					} else {
						failed.Add(1)
						failures[fmt.Sprintf("%s/%d", r.Codespace, r.Code)]++
					}
				}
				mu.Unlock()
				bar.Add(len(j.txs))
			}
		}(w, jobs[w])
	}
	wg.Wait()
	elapsed := time.Since(start)
	samples, peakRSS := mon.stop()
	bar.Finish()
	if firstErr != nil {
		return BenchResult{}, firstErr
	}
	end, err := c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	return BenchResult{
		Workload: workload, Txs: total, Committed: int(committed.Load()), Failed: int(failed.Load()), Failures: failures,
		Seconds: elapsed.Seconds(), CommittedPerSec: float64(committed.Load()) / elapsed.Seconds(), OfferedPerSec: o.rate,
		P50ms: pct(0.50), P99ms: pct(0.99), Blocks: end.LatestHeight - startHeight, TxBytes: txBytes,
		Machine: machine(), Windows: windows(samples, o.window), PeakRSSMB: peakRSS,
	}, nil
}

// submitRetry submits a batch and waits for its commit, backing off while
// the mempool is full.
func submitRetry(ctx context.Context, c *client.Client, txs [][]byte) ([]apitype.SubmitResult, error) {
	for attempt := 0; ; attempt++ {
		res, err := c.SubmitBatch(ctx, txs, true)
		if err != nil {
			return nil, err
		}
		full := false
		for _, r := range res {
			if !r.Committed && (r.Code == 0 && r.Log != "" || backPressure(r)) {
				full = true // refused for now (mempool full, timeout, fair shares): resend
			}
		}
		if !full || attempt > 20 {
			return res, nil
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
}

// loadProfile profiles the CPU during the first load phase of a bench run
// only: signing ahead and the setup are not what the figures measure.
type loadProfile struct {
	path, heap string
	from       int // start at this many committed txs (0: at the start)
	done       bool
}

// start begins the profile if this is the first load phase; the returned
// function stops it.
func (p *loadProfile) start() (func(), error) {
	if p == nil || p.done {
		return func() {}, nil
	}
	p.done = true
	stopCPU := func() {}
	if p.path != "" {
		f, err := os.Create(p.path)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
	}
	return func() {
		stopCPU()
		if p.heap != "" {
			if f, err := os.Create(p.heap); err == nil {
				runtime.GC()
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}, nil
}

// backPressure tells a refusal that asks the sender to resubmit after the
// next block (the mempool's fair shares) from a failure.
func backPressure(r apitype.SubmitResult) bool {
	if r.Committed || r.Codespace != "app" {
		return false
	}
	switch r.Code {
	case app.ErrAccountPending.Code, app.ErrDepartmentShare.Code, app.ErrMempoolBusy.Code:
		return true
	}
	return false
}
