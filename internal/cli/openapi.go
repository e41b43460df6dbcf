package cli

import (
	"fmt"
	"os"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/node"
)

// openapiCmd writes the OpenAPI document that a node serves at
// /v1/openapi.json, without a node: the routes and schemas come from the
// route table and the modules' declarations, so an empty in-memory
// application with the chain's modules is enough. CI lints it and
// generates a client from it (.ci/openapi-check).
func openapiCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:    "openapi",
		Short:  "Write the API's OpenAPI document (what /v1/openapi.json serves)",
		Args:   cobra.NoArgs,
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := openAPIDocument()
			if err != nil {
				return err
			}
			doc = append(doc, '\n')
			if out == "" || out == "-" {
				_, err = g.stdout.Write(doc)
				return err
			}
			return os.WriteFile(out, doc, 0o644)
		},
	}
	cmd.Flags().StringVar(&out, "out", "-", "file to write (- for standard output)")
	return cmd
}

func openAPIDocument() ([]byte, error) {
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	a, err := app.New(db, app.Options{Modules: node.Modules()})
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	srv := api.New(a, nil, api.NewMetrics(func() int { return 0 }), nil, nil)
	return srv.OpenAPI()
}
