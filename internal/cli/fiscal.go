package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/x/fiscal"
)

// maxExportLines bounds what one export reads from a node.
const maxExportLines = 1_000_000

func fiscalCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "fiscal", Short: "Budget execution: open-data export"}
	var out string
	var year uint32
	export := &cobra.Command{
		Use:   "export --out DIR --year YEAR",
		Short: "Write a fiscal year's budget lines as a Fiscal Data Package (datapackage.json and a CSV)",
		Long: `export reads every budget line of the year from the node (paginated) and
writes DIR/datapackage.json and DIR/budget-lines.csv: one row per line with its
classification (department; function with its COFOG division; economic class
with its GFSM 2014 category; fund source; program) and the measures original,
adjusted, committed and paid in yuan (docs/fiscal.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" || year == 0 {
				return usageErr("give --out DIR and --year YEAR")
			}
			lines, err := client.ListAll[fiscal.Line](cmd.Context(), g.client(), client.Path(fiscal.Name, "years", strconv.FormatUint(uint64(year), 10), "lines"), maxExportLines)
			if err != nil {
				return err
			}
			d, table, err := fiscal.Export(lines)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, fiscal.ExportDescriptor), d, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, fiscal.ExportCSV), table, 0o644); err != nil {
				return err
			}
			return g.print(map[string]any{"lines": len(lines), "year": year, "dir": out}, func(w io.Writer) {
				fmt.Fprintf(w, "%d budget lines of %d written to %s\n", len(lines), year, out)
			})
		},
	}
	export.Flags().StringVar(&out, "out", "", "directory to write datapackage.json and budget-lines.csv into")
	export.Flags().Uint32Var(&year, "year", 0, "fiscal year")
	cmd.AddCommand(export)
	return cmd
}
