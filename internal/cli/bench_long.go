package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// preSignMax is the largest run bench signs ahead of time; a longer one
// signs each batch when its worker comes to it, so that 10 million txs do
// not sit in memory (2.5 GB) before the first is sent.
const preSignMax = 200_000

// BenchWindow is the committed rate over one window of a long run.
type BenchWindow struct {
	From      int     `json:"from"` // committed txs at its start
	To        int     `json:"to"`
	Seconds   float64 `json:"seconds"`
	TxPerSec  float64 `json:"tx_per_s"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// streamLoad is runLoad for long runs: the same create_account load,
// signed batch by batch by the workers. The new accounts' Ed25519 public
// keys are 32 bytes derived by hashing (the node checks an Ed25519 key's
// length, not that it is a point; deriving real keys would double the
// load generator's CPU on the machine under test); SM2 keys are real.
func (g *globals) streamLoad(ctx context.Context, c *client.Client, o benchOpts, signers []*client.Signer, startHeight int64, workload string) (BenchResult, error) {
	jobs := make([][]loadJob, o.concurrency)
	txBytes := 0
	var sizeOnce sync.Once
	for i, s := range signers {
		n := o.txs / len(signers)
		if i < o.txs%len(signers) {
			n++
		}
		w := i % o.concurrency
		for lo := 0; lo < n; lo += o.batch {
			s, i, count := s, i, min(o.batch, n-lo)
			jobs[w] = append(jobs[w], loadJob{gen: func() ([][]byte, error) {
				out := make([][]byte, count)
				for k := range out {
					seq := int(s.Sequence)
					var msg identity.MsgCreateAccount
					if o.chain.AdminAlgo == crypto.AlgSM2 {
						key := benchKey(crypto.AlgSM2, "citizen/"+s.Address, seq)
						msg = identity.MsgCreateAccount{Algorithm: key.Algorithm, PublicKey: key.PublicKey(), Citizen: true}
					} else {
						pub := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("govchain-bench/citizen/"+strconv.Itoa(i)), uint64(seq)))
						msg = identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: pub[:], Citizen: true}
					}
					raw, err := s.Sign("", client.Msg(identity.TypeCreateAccount, msg))
					if err != nil {
						return nil, err
					}
					out[k] = raw
				}
				sizeOnce.Do(func() { txBytes = len(out[0]) })
				return out, nil
			}})
		}
	}
	res, err := g.submitJobs(ctx, c, o, jobs, o.txs, 0, startHeight, workload)
	res.TxBytes = txBytes
	return res, err
}

// monitor samples the committed count and the process's resident memory
// while a load runs.
type monitor struct {
	done    chan struct{}
	wg      sync.WaitGroup
	samples []sample
	peakRSS float64
}

type sample struct {
	at        time.Duration
	committed int64
	rssMB     float64
}

// startMonitor samples every 250 ms; with window > 0 it also prints each
// window to w as it completes (a long run shows its progress).
func startMonitor(start time.Time, committed *atomic.Int64, window int, w io.Writer) *monitor {
	m := &monitor{done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		printed := 0
		for {
			rss := rssMB()
			m.peakRSS = max(m.peakRSS, rss)
			m.samples = append(m.samples, sample{time.Since(start), committed.Load(), rss})
			if ws := windows(m.samples, window); window > 0 && len(ws) > printed+1 {
				for _, win := range ws[printed : len(ws)-1] { // the last one is still open
					fmt.Fprintf(w, "window:     txs %d-%d: %.0f tx/s over %.1f s, peak RSS %.0f MB (at %s)\n",
						win.From, win.To, win.TxPerSec, win.Seconds, win.PeakRSSMB, time.Now().Format(time.TimeOnly))
				}
				printed = len(ws) - 1
			}
			select {
			case <-m.done:
				m.samples = append(m.samples, sample{time.Since(start), committed.Load(), rss})
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// stop ends the sampling (one last sample) and returns what it saw.
func (m *monitor) stop() ([]sample, float64) {
	close(m.done)
	m.wg.Wait()
	return m.samples, m.peakRSS
}

// windows cuts the samples at every `size` committed txs.
func windows(samples []sample, size int) []BenchWindow {
	if size <= 0 || len(samples) == 0 {
		return nil
	}
	var out []BenchWindow
	from, fromAt, peak := 0, time.Duration(0), 0.0
	for _, s := range samples {
		peak = max(peak, s.rssMB)
		for int(s.committed) >= from+size {
			to := from + size
			// The sample is the first at or past the boundary: a window
			// ends at most one sampling period late.
			secs := (s.at - fromAt).Seconds()
			out = append(out, BenchWindow{From: from, To: to, Seconds: secs, TxPerSec: float64(size) / secs, PeakRSSMB: peak})
			from, fromAt, peak = to, s.at, s.rssMB
		}
	}
	if last := samples[len(samples)-1]; int(last.committed) > from {
		secs := (last.at - fromAt).Seconds()
		out = append(out, BenchWindow{From: from, To: int(last.committed), Seconds: secs, TxPerSec: float64(int(last.committed)-from) / secs, PeakRSSMB: peak})
	}
	return out
}

// rssMB is this process's resident memory (0 where /proc is missing).
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// dirBytes is the size of the files under dir.
func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
