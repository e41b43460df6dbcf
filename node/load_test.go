package node_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/identity"
)

// LoadEnv runs TestHTTPUnderLoad at the size of issue 12's attack (100
// clients fetching proven pages and 200 slowloris connections for 20 s)
// and reports the numbers; without it the test is small and quick. Set it
// to "default" for the node's defaults, to a number for that many
// concurrent expensive reads (http_heavy_reads), or to "unlimited".
const LoadEnv = "GOVCHAIN_LOAD"

// Expensive reads and slowloris connections at once: the slowloris
// connections are closed by the header timeout, /v1/status keeps
// answering, and (with LoadEnv) the test reports /v1/status latency, the
// process's memory and page sizes. It asserts no timings.
func TestHTTPUnderLoad(t *testing.T) {
	mode := os.Getenv(LoadEnv)
	clients, slowloris, dur, accounts := 8, 20, 3*time.Second, 120
	headerTimeout := 2 * time.Second
	if mode != "" {
		clients, slowloris, dur, accounts = 100, 200, 20*time.Second, 1100
		headerTimeout = node.DefaultAppConfig().HTTPReadHeaderTimeout
	}
	d := nodetest.StartDev(t, nodetest.WithAppConfig(func(c *node.AppConfig) {
		c.HTTPReadHeaderTimeout = headerTimeout
		if mode == "unlimited" {
			c.HTTPHeavyReads = 100000
		} else if n, err := strconv.Atoi(mode); err == nil && n > 0 {
			c.HTTPHeavyReads = n
		}
	}))
	ctx := context.Background()
	createCitizens(t, d, accounts)
	pagePath := d.URL + client.Path("identity", "departments", "cab", "accounts")

	// Page sizes.
	sizes := map[string]int{}
	for _, q := range []string{"?limit=100", "?limit=1000", "?limit=1&prove=true", "?limit=20&prove=true"} {
		resp, err := http.Get(pagePath + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, b)
		}
		sizes[q] = len(b)
	}

	rssBefore := rss(t)
	stop := make(chan struct{})

	// Slowloris: a request line and a header, then one byte a second.
	closed := make(chan time.Duration, slowloris)
	start := time.Now()
	for i := 0; i < slowloris; i++ {
		c, err := net.Dial("tcp", d.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /v1/status HTTP/1.1\r\nHost: %s\r\nX-Slow: ", d.Addr)
		go func() { // the server's close ends the read
			io.Copy(io.Discard, c)
			closed <- time.Since(start)
		}()
		go func() {
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := c.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
	}

	// Clients fetching the largest proven page they may, as fast as they
	// can, from another process (TestLoadClients), so that the node's
	// scheduler runs only the node.
	gen := exec.Command(os.Args[0], "-test.run=^TestLoadClients$", "-test.v")
	gen.Env = append(os.Environ(), loadClientsEnv+"="+fmt.Sprintf("%s %d %s", pagePath+"?limit=20&prove=true", clients, dur))
	var genOut strings.Builder
	gen.Stdout, gen.Stderr = &genOut, &genOut
	if err := gen.Start(); err != nil {
		t.Fatal(err)
	}
	// /v1/status, ten times a second on its own connection; memory twice.
	var lat []time.Duration
	statusErrs := 0
	peak := rssBefore
	probe := &http.Client{Transport: &http.Transport{}}
	end := time.After(dur)
	tick := time.NewTicker(100 * time.Millisecond)
loop:
	for n := 0; ; n++ {
		select {
		case <-end:
			break loop
		case <-tick.C:
		}
		t0 := time.Now()
		st, err := statusOf(ctx, probe, d.URL)
		if err != nil || st != 200 {
			statusErrs++
			continue
		}
		lat = append(lat, time.Since(t0))
		if n%5 == 0 {
			peak = max(peak, rss(t))
		}
	}
	tick.Stop()
	close(stop)
	if err := gen.Wait(); err != nil {
		t.Fatalf("load clients: %v\n%s", err, genOut.String())
	}
	var pages, busy, failed int64
	if m := regexp.MustCompile(`pages=(\d+) busy=(\d+) failed=(\d+)`).FindStringSubmatch(genOut.String()); m != nil {
		pages, _ = strconv.ParseInt(m[1], 10, 64)
		busy, _ = strconv.ParseInt(m[2], 10, 64)
		failed, _ = strconv.ParseInt(m[3], 10, 64)
	} else {
		t.Fatalf("load clients said:\n%s", genOut.String())
	}

	// Every slowloris connection was closed, soon after the header timeout.
	var closedAt []time.Duration
	deadline := time.After(headerTimeout + nodetest.Timeout)
	for len(closedAt) < slowloris {
		select {
		case c := <-closed:
			closedAt = append(closedAt, c)
		case <-deadline:
			t.Fatalf("%d of %d slowloris connections still open", slowloris-len(closedAt), slowloris)
		}
	}
	sort.Slice(closedAt, func(i, j int) bool { return closedAt[i] < closedAt[j] })
	if len(lat) == 0 {
		t.Fatalf("/v1/status never answered under load (%d errors)", statusErrs)
	}
	if statusErrs > 0 {
		t.Errorf("/v1/status failed %d times under load", statusErrs)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("load %q: %d clients of ?limit=20&prove=true pages and %d slowloris connections for %s", mode, clients, slowloris, dur)
	t.Logf("pages: %d served (%.0f/s), %d busy (503), %d failed", pages, float64(pages)/dur.Seconds(), busy, failed)
	t.Logf("/v1/status: %d answers, p50 %s, p99 %s, max %s", len(lat), pct(0.5), pct(0.99), lat[len(lat)-1])
	t.Logf("RSS: %d MiB before the load, %d MiB at most during it", rssBefore>>20, peak>>20)
	t.Logf("slowloris closed after %s to %s (header timeout %s)", closedAt[0].Round(time.Millisecond), closedAt[len(closedAt)-1].Round(time.Millisecond), headerTimeout)
	var keys []string
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("page %s: %d bytes", k, sizes[k])
	}
}

// loadClientsEnv tells TestLoadClients what to fetch: "URL CLIENTS DURATION".
const loadClientsEnv = "GOVCHAIN_LOAD_CLIENTS"

// TestLoadClients is TestHTTPUnderLoad's load generator, run in a process
// of its own; it does nothing unless loadClientsEnv is set.
func TestLoadClients(t *testing.T) {
	spec := strings.Fields(os.Getenv(loadClientsEnv))
	if len(spec) != 3 {
		t.Skip("the load generator of TestHTTPUnderLoad")
	}
	url := spec[0]
	clients, _ := strconv.Atoi(spec[1])
	dur, _ := time.ParseDuration(spec[2])
	var pages, busy, failed atomic.Int64
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	stop := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; time.Now().Before(stop); n++ {
				u := url
				if n%2 == 1 {
					u += "&after=" + strconv.Itoa(i%10) // another page
				}
				resp, err := hc.Get(u)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case 200:
					pages.Add(1)
				case 503:
					busy.Add(1)
				default:
					failed.Add(1)
				}
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("pages=%d busy=%d failed=%d\n", pages.Load(), busy.Load(), failed.Load())
}

func statusOf(ctx context.Context, c *http.Client, base string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/status", nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// createCitizens adds n citizen accounts to the cab department, in
// batches, and waits until their proofs are anchored.
func createCitizens(t *testing.T, d *nodetest.Dev, n int) {
	t.Helper()
	s := d.Admin("cab")
	var last int64
	for n > 0 {
		raws := make([][]byte, min(n, 500))
		for i := range raws {
			k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
			var err error
			raws[i], err = s.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
			if err != nil {
				t.Fatal(err)
			}
		}
		rs, err := d.Client.SubmitBatch(context.Background(), raws, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if !r.Committed || r.Code != 0 {
				t.Fatalf("create account: %+v", r)
			}
			last = max(last, r.Height)
		}
		n -= len(raws)
	}
	d.WaitSigned(last)
}

// rss is this process's resident memory in bytes (Linux; 0 elsewhere).
func rss(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
