package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/tx"
)

// The `tx <module> <action>` and `query <module> <name>` commands come from
// the modules' declarations (node.Modules): routes give the actions, their
// message types the flags and arguments (msgflags.go), queries the reads,
// and the docs lines the help. Hand-written commands replace a generated
// one only where they add real value (sugar, in tx.go): identity's
// create-account and rotate-key take a local key by name, and propose
// builds each kind of consortium action from flags.

// actionName is the CLI name of a message type or query ("open_transfer" ->
// "open-transfer").
func actionName(s string) string { return strings.ReplaceAll(s, "_", "-") }

// moduleTxCmds builds `tx <module>` for every module.
func moduleTxCmds(g *globals, sugar map[string]func(*globals) *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, m := range node.Modules() {
		mc := &cobra.Command{Use: m.Name(), Short: "Transactions of the " + m.Name() + " module"}
		for _, r := range m.Routes() {
			if build, ok := sugar[r.Type]; ok {
				mc.AddCommand(build(g))
				continue
			}
			mc.AddCommand(g.routeCmd(r))
		}
		out = append(out, mc)
	}
	return out
}

func rolesText(roles []string) string {
	if len(roles) == 0 {
		return "any active account"
	}
	return "needs " + strings.Join(roles, " or ")
}

// routeCmd is the generated command of one message type.
func (g *globals) routeCmd(r module.Route) *cobra.Command {
	var f txFlags
	c := &cobra.Command{Short: r.Doc + " (" + rolesText(r.Roles) + ")",
		Long: r.Doc + ".\n\nMessage " + r.Type + "; " + rolesText(r.Roles) + "."}
	b, args := bindMsg(c, r.Msg)
	c.Use = strings.TrimSpace(actionName(r.Action()) + " " + args)
	n := 0
	if args != "" {
		n = len(strings.Fields(args))
	}
	// With --body-json the arguments may be left out (the body has them).
	c.Args = cobra.RangeArgs(0, n)
	c.RunE = func(cmd *cobra.Command, a []string) error {
		if len(a) != n && b.bodyJSON == "" {
			return usageErr("%s takes %d argument(s): %s (or the whole message with --body-json)", c.Name(), n, args)
		}
		body, err := b.build(cmd, a)
		if err != nil {
			return err
		}
		msg, err := tx.NewMsg(r.Type, body)
		if err != nil {
			return usageErr("%v", err)
		}
		return g.send(cmd.Context(), &f, msg)
	}
	f.register(c)
	return c
}

// moduleQueryCmds builds `query <module>` for every module.
func moduleQueryCmds(g *globals) []*cobra.Command {
	var out []*cobra.Command
	for _, m := range node.Modules() {
		mc := &cobra.Command{Use: m.Name(), Short: "Records of the " + m.Name() + " module (--prove for proofs)"}
		for _, q := range m.Queries() {
			mc.AddCommand(g.queryCmd(m.Name(), q))
		}
		out = append(out, mc)
	}
	return out
}

// queryCmd is the generated command of one module query.
func (g *globals) queryCmd(mod string, q module.Query) *cobra.Command {
	var prove, all bool
	var ro client.ReadOptions
	var args []string
	for _, p := range q.Params {
		args = append(args, strings.ToUpper(p.Name))
	}
	c := &cobra.Command{
		Use: strings.TrimSpace(actionName(q.Name) + " " + strings.Join(args, " ")), Short: q.Doc,
		Long: q.Doc + ".\n\nGET /v1/" + mod + "/" + q.Path,
		Args: cobra.ExactArgs(len(q.Params)),
		RunE: func(cmd *cobra.Command, a []string) error {
			segs := strings.Split(q.Path, "/")
			i := 0
			for j, s := range segs {
				if strings.HasPrefix(s, "{") {
					if a[i] == "" || strings.Contains(a[i], "/") {
						return usageErr("%s must be non-empty without '/'", args[i])
					}
					if q.Params[i].Uint {
						if _, err := strconv.ParseUint(a[i], 10, 64); err != nil {
							return usageErr("%s must be a non-negative integer", args[i])
						}
					}
					segs[j] = a[i]
					i++
				}
			}
			path := client.Path(mod, segs...)
			return g.runQuery(cmd.Context(), q, path, prove, all, ro)
		},
	}
	c.Flags().BoolVar(&prove, "prove", false, "include proofs anchored to signed headers (check them with govchain verify state)")
	c.Flags().Int64Var(&ro.Height, "height", 0, "read at this height (default latest)")
	if q.List {
		c.Flags().IntVar(&ro.Limit, "limit", 0, "page size (default 100; with --prove 20 at most)")
		c.Flags().StringVar(&ro.After, "after", "", "the cursor a previous page printed")
		c.Flags().BoolVar(&all, "all", false, "read every page")
	}
	return c
}

func (g *globals) runQuery(ctx context.Context, q module.Query, path string, prove, all bool, ro client.ReadOptions) error {
	c := g.client()
	if !q.List {
		var raw json.RawMessage
		if err := c.Get(ctx, path+ro.Query(prove), &raw); err != nil {
			return err
		}
		return g.printRecord(raw, q.Record, prove)
	}
	var items []json.RawMessage
	next := ""
	for {
		var page apitype.Page[json.RawMessage]
		if err := c.Get(ctx, path+ro.Query(prove), &page); err != nil {
			return err
		}
		items, next = append(items, page.Items...), page.Next
		if !all || next == "" {
			break
		}
		ro.After = next
	}
	if g.json() {
		return g.print(apitype.Page[json.RawMessage]{Items: items, Next: next}, nil)
	}
	for i, it := range items {
		if i > 0 {
			fmt.Fprintln(g.stdout)
		}
		if err := g.printRecord(it, q.Record, prove); err != nil {
			return err
		}
	}
	if len(items) == 0 {
		fmt.Fprintln(g.stdout, "(none)")
	}
	if next != "" {
		fmt.Fprintf(g.stdout, "\nmore: --after %s (or --all)\n", next)
	}
	return nil
}

// printRecord shows one answer: JSON as the API gave it, or the record for
// people (with a line about its proof).
func (g *globals) printRecord(raw json.RawMessage, typ reflect.Type, prove bool) error {
	if g.json() {
		return g.print(raw, nil)
	}
	rec := reflect.New(typ)
	var proof *apitype.State
	if prove {
		var p struct {
			Record json.RawMessage `json:"record"`
			Proof  *apitype.State  `json:"proof"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		raw, proof = p.Record, p.Proof
	}
	if err := json.Unmarshal(raw, rec.Interface()); err != nil {
		return err
	}
	g.shower().show(g.stdout, rec.Interface())
	if proof != nil {
		fmt.Fprintf(g.stdout, "proof:\tstate key %s at height %d, app hash %s (save with -o json; check offline with govchain verify state FILE --trust genesis.json)\n", proof.Key, proof.Height, proof.AppHash)
	}
	return nil
}
