package main

import "github.com/spf13/cobra"

// commands lists the subcommands in the order --help shows them.
func commands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newQuickstart(g),
		newGenerate(g),
		newInspect(g),
		newTrain(g),
		newScore(g),
		newRetrain(g),
		newSQL(g),
		newBacktest(g),
		newCompare(g),
		newServe(g),
		newImport(g),
		newGC(g),
		newRules(g),
		newConfig(g),
		newBench(g),
	}
}
