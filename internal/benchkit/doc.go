// Package benchkit holds the data generators, loaders and measurement
// helpers shared by the `leadscore bench` command and the programs under
// bench/: the seeded matrices of the logistic and gbm comparisons, the
// lead-like tables of the reader benchmarks, the synthetic lead histories of
// the feature benchmarks, the scoring API's request bodies, and CPU time,
// peak memory and machine descriptions.
//
// Every generator takes a seed and gives the same values for the same
// arguments, so a figure measured by `leadscore bench` and one measured by
// a script reading a file written here are measured on the same data.
package benchkit
