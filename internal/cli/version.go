package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func versionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the pinned engine versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := map[string]string{"govchain": "devel"}
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, d := range bi.Deps {
					switch d.Path {
					case "github.com/cometbft/cometbft", "github.com/cockroachdb/pebble":
						v[d.Path] = d.Version
					}
				}
			}
			return g.print(v, func(w io.Writer) {
				fmt.Fprintf(w, "govchain %s\ncometbft %s\npebble %s\n", v["govchain"], v["github.com/cometbft/cometbft"], v["github.com/cockroachdb/pebble"])
			})
		},
	}
}
