package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
)

// Nodes are separate processes, reached over their API only, so waiting
// means polling: every wait names the condition it polls for and fails the
// test at a deadline.
const (
	pollEvery = 100 * time.Millisecond
	// waitLimit bounds every wait: generous, since a 2-core machine runs
	// five nodes and the load at once.
	waitLimit = 90 * time.Second
)

// pollUntil polls cond until it holds or limit has passed, and reports
// whether it held.
func (n *testnet) pollUntil(cond func() bool, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// waitFor polls cond until it holds, failing the test with what and
// detail() once waitLimit has passed.
func (n *testnet) waitFor(what string, cond func() bool, detail func() string) {
	n.t.Helper()
	if n.pollUntil(cond, waitLimit) {
		return
	}
	msg := fmt.Sprintf("waited %s for %s", waitLimit, what)
	if detail != nil {
		msg += ":\n" + detail()
	}
	n.t.Fatal(msg)
}

// waitHeight waits until node i has committed height h.
func (n *testnet) waitHeight(i int, h int64) {
	n.t.Helper()
	n.waitFor(fmt.Sprintf("%s to reach height %d", n.nodes[i].Name, h),
		func() bool { return n.height(i) >= h },
		func() string { return fmt.Sprintf("at %d; log:\n%s", n.height(i), n.logTail(i)) })
}

// waitTxs waits until the loads have seen want txs committed.
func (n *testnet) waitTxs(want int, count func() int) {
	n.t.Helper()
	n.waitFor(fmt.Sprintf("%d committed txs", want), func() bool { return count() >= want },
		func() string { return fmt.Sprintf("only %d", count()) })
}

// rpc fetches the result of a CometBFT RPC call on node i into out.
func (n *testnet) rpc(i int, path string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.nodes[i].RPC+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return err
	}
	if len(env.Error) > 0 {
		return fmt.Errorf("%s: %s", path, env.Error)
	}
	return json.Unmarshal(env.Result, out)
}

// votes is a vote set as CometBFT's RPC shows it ("BA{4:xx__} 20/40 =
// 0.50"): who voted, by validator index, and the power voted of the total.
type votes struct {
	bits         string
	power, total int64
}

var voteSetRE = regexp.MustCompile(`^BA\{\d+:([x_]*)\} (\d+)/(\d+)`)

func parseVotes(s string) (votes, bool) {
	m := voteSetRE.FindStringSubmatch(s)
	if m == nil {
		return votes{}, false
	}
	p, _ := strconv.ParseInt(m[2], 10, 64)
	t, _ := strconv.ParseInt(m[3], 10, 64)
	return votes{m[1], p, t}, true
}

func (v votes) quorum() bool { return 3*v.power > 2*v.total }

func (v votes) from(idx []int) bool {
	for _, k := range idx {
		if k >= len(v.bits) || v.bits[k] != 'x' {
			return false
		}
	}
	return true
}

type rpcValidator struct {
	Address string `json:"address"`
}

// stuck reports whether node i's consensus can make no progress, at which
// height, and the state it is stuck in: in its current round, every
// validator of the live nodes has voted in the current step (prevote, or
// precommit after a prevote quorum) and the votes hold no two-thirds
// quorum, so no timeout starts and no block can commit until another
// validator returns.
func (n *testnet) stuck(i int, live []int) (int64, string, bool) {
	var cs struct {
		RoundState struct {
			HRS   string `json:"height/round/step"`
			Votes []struct {
				Round      json.RawMessage `json:"round"`
				Prevotes   string          `json:"prevotes_bit_array"`
				Precommits string          `json:"precommits_bit_array"`
			} `json:"height_vote_set"`
		} `json:"round_state"`
	}
	if n.rpc(i, "/consensus_state", &cs) != nil {
		return 0, "", false
	}
	var h int64
	var round, stepNo int
	if _, err := fmt.Sscanf(cs.RoundState.HRS, "%d/%d/%d", &h, &round, &stepNo); err != nil {
		return 0, "", false
	}
	var vs struct {
		Validators []rpcValidator `json:"validators"`
	}
	if n.rpc(i, fmt.Sprintf("/validators?height=%d&per_page=100", h), &vs) != nil {
		return 0, "", false
	}
	var idx []int // the live validators' indices in the set
	for _, j := range live {
		addr := ed25519.PubKey(n.nodes[j].ValidatorKey).Address().String()
		k := slices.IndexFunc(vs.Validators, func(v rpcValidator) bool { return strings.EqualFold(v.Address, addr) })
		if k < 0 {
			return 0, "", false
		}
		idx = append(idx, k)
	}
	for _, rv := range cs.RoundState.Votes {
		if strings.Trim(string(rv.Round), `"`) != strconv.Itoa(round) {
			continue
		}
		pv, ok1 := parseVotes(rv.Prevotes)
		pc, ok2 := parseVotes(rv.Precommits)
		state := cs.RoundState.HRS + " prevotes " + rv.Prevotes + " precommits " + rv.Precommits
		switch {
		case !ok1 || !ok2:
			return 0, "", false
		case !pv.quorum():
			return h, state, pv.from(idx)
		case !pc.quorum():
			return h, state, pc.from(idx)
		}
	}
	return 0, "", false
}
