package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"

	"github.com/govchain/govchain/api/apitype"
	"github.com/spf13/cobra"
)

// queryCmd reads from a node: the chain's own records here, and every
// module's queries (`query <module> <name>`, generated in modules.go).
func queryCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "query", Aliases: []string{"q"}, Short: "Read records from a node (--node)"}
	// get reads a path; with a record type, text output shows it for
	// people, otherwise (proof files) as indented JSON.
	get := func(use, short string, nargs int, path func(args []string) string, typ ...any) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(nargs),
			RunE: func(cmd *cobra.Command, args []string) error {
				for _, a := range args {
					if strings.Contains(a, "/") && !strings.HasPrefix(use, "state") {
						return usageErr("argument %q may not contain '/'", a)
					}
				}
				var v json.RawMessage
				if err := g.client().Get(cmd.Context(), path(args), &v); err != nil {
					return err
				}
				return g.print(v, func(w io.Writer) {
					if len(typ) > 0 {
						rec := reflect.New(reflect.TypeOf(typ[0]))
						if json.Unmarshal(v, rec.Interface()) == nil {
							g.shower().show(w, rec.Interface())
							return
						}
					}
					var out any
					json.Unmarshal(v, &out)
					b, _ := json.MarshalIndent(out, "", "  ")
					fmt.Fprintln(w, string(b))
				})
			},
		}
	}
	esc := url.PathEscape
	cmd.AddCommand(
		get("status", "Chain id, height, app hash, log size", 0, func([]string) string { return "/v1/status" }, apitype.Status{}),
		get("tx HASH", "A committed transaction with its result", 1, func(a []string) string { return "/v1/txs/" + esc(a[0]) }, apitype.Tx{}),
		get("block HEIGHT", "A block (a height or latest)", 1, func(a []string) string { return "/v1/blocks/" + esc(a[0]) }, apitype.Block{}),
		get("roles", "Roles: their module, what they are for, and the messages they allow", 0, func([]string) string { return "/v1/roles" }, apitype.Roles{}),
		get("codes", "Every result code", 0, func([]string) string { return "/v1/codes" }, apitype.Codes{}),
		get("receipt HASH", "A self-contained receipt of a committed tx (save it and check it with govchain verify receipt)", 1, func(a []string) string { return "/v1/txs/" + esc(a[0]) + "/receipt" }),
		get("light HEIGHT", "A signed header and its validator set (to trust with verify --trust-header)", 1, func(a []string) string { return "/v1/light/" + esc(a[0]) }),
		get("log-proof INDEX", "A log inclusion proof of entry INDEX at the newest signed height", 1, func(a []string) string { return "/v1/log/proof?index=" + url.QueryEscape(a[0]) }),
		get("consistency FROM TO", "A proof that the log of TO entries extends the log of FROM entries, with both anchors (check it with govchain verify consistency)", 2, func(a []string) string {
			return "/v1/log/consistency?from=" + url.QueryEscape(a[0]) + "&to=" + url.QueryEscape(a[1]) + "&prove=true"
		}),
		get("anchor HEIGHT", "The signed headers that anchor a height's commitments", 1, func(a []string) string { return "/v1/anchor/" + esc(a[0]) }),
	)
	cmd.AddCommand(moduleQueryCmds(g)...)
	var height int64
	var prove bool
	st := &cobra.Command{
		Use: "state KEY", Short: "A raw state key, optionally with a proof", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := g.client().State(cmd.Context(), args[0], height, prove)
			if err != nil {
				return err
			}
			return g.print(v, func(w io.Writer) {
				b, _ := json.MarshalIndent(v, "", "  ")
				fmt.Fprintln(w, string(b))
			})
		},
	}
	st.Flags().Int64Var(&height, "height", -1, "height to read at (default latest)")
	st.Flags().BoolVar(&prove, "prove", false, "include a proof against the state root")
	cmd.AddCommand(st)
	return cmd
}
