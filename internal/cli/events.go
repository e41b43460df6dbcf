package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/ledger"
)

// eventsCmd prints committed transactions with their events, from the
// node's event stream (GET /v1/events).
func eventsCmd(g *globals) *cobra.Command {
	var (
		f      apitype.EventFilter
		attrs  []string
		from   int64
		follow bool
	)
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Print committed transactions and their events (--follow to keep streaming)",
		Long: `Print committed transactions and their events, one line each (-o json: one
JSON object per line, as GET /v1/events sends them; docs/api-events.md).

Without --follow it prints the history from --from-height (default: the
latest height) up to the current height and exits; with --follow it then
keeps streaming until Ctrl-C. Filters combine with "and":
  --module registry              txs with a registry event or message
  --type registry.transferred    txs with an event of this type (repeatable: any of them)
  --attr parcel:BJ-001           txs with one event having every such attribute (repeatable)
  --code ok|failed|any`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range attrs {
				k, v, ok := strings.Cut(a, ":")
				if !ok {
					return usageErr("--attr %q: want key:value", a)
				}
				f.Attrs = append(f.Attrs, ledger.Attribute{Key: k, Value: v})
			}
			if from < 0 {
				return usageErr("--from-height must be a positive height")
			}
			// Block messages tell where the history ends; they are printed
			// only with --blocks.
			printBlocks := f.Blocks
			f.Blocks = true
			if _, err := api.ParseEventFilter(f.Query()); err != nil {
				return usageErr("%v", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			c := g.client()
			st, err := c.Status(ctx)
			if err != nil {
				return err
			}
			until := st.LatestHeight
			f.FromHeight = from
			if from == 0 {
				f.FromHeight = max(until, 1)
			}
			if !follow && f.FromHeight > until {
				return nil
			}
			sub, err := c.Subscribe(ctx, f)
			if err != nil {
				return err
			}
			defer sub.Close()
			for {
				m, err := sub.Next(ctx)
				if err != nil {
					if errors.Is(err, context.Canceled) {
						return nil // Ctrl-C
					}
					return err
				}
				if m.Type == apitype.EventBlock && !printBlocks {
					if !follow && m.Height >= until {
						return nil
					}
					continue
				}
				if err := g.printEvent(m); err != nil {
					return err
				}
				if m.Type == apitype.EventBlock && !follow && m.Height >= until {
					return nil
				}
			}
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Module, "module", "", "only txs with an event or message of this module")
	fl.StringArrayVar(&f.Types, "type", nil, "only txs with an event of this type (repeatable)")
	fl.StringArrayVar(&attrs, "attr", nil, "only txs with an event having this attribute, as key:value (repeatable)")
	fl.StringVar(&f.Code, "code", "", "ok, failed or any")
	fl.BoolVar(&f.Blocks, "blocks", false, "also print a line per block")
	fl.Int64Var(&from, "from-height", 0, "first height to print (default: the latest)")
	fl.BoolVar(&follow, "follow", false, "keep streaming new transactions until Ctrl-C")
	return cmd
}

// printEvent writes one message: a JSON line, or a line of text.
func (g *globals) printEvent(m *apitype.EventMessage) error {
	if g.json() {
		return json.NewEncoder(g.stdout).Encode(m)
	}
	_, err := io.WriteString(g.stdout, eventLine(m)+"\n")
	return err
}

// eventLine is a message in one line: height, log index, short tx hash,
// result, then each event with its attributes (the message types and the
// error of a failed tx, which has no events).
func eventLine(m *apitype.EventMessage) string {
	if m.Type == apitype.EventBlock {
		return fmt.Sprintf("%d  block  %d txs  app_hash %s", m.Height, m.NumTxs, shortHash(m.AppHash))
	}
	result := "ok"
	if m.Code != 0 {
		result = fmt.Sprintf("code %d", m.Code)
	}
	var parts []string
	for _, e := range m.Events {
		s := e.Type
		for _, a := range e.Attrs {
			s += " " + a.Key + "=" + a.Value
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		s := "[" + strings.Join(m.MsgTypes, ", ") + "]"
		if m.Log != "" {
			s += " " + m.Log
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%d  #%d  %s  %s  %s", m.Height, m.LogIndex, shortHash(m.TxHash), result, strings.Join(parts, "; "))
}

func shortHash(hash string) string {
	if len(hash) > 8 {
		return hash[:8]
	}
	return hash
}
