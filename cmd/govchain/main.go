// Command govchain runs and operates a govchain node. See README.md.
package main

import (
	"os"

	"github.com/govchain/govchain/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:])) }
