// Package suite is leadscore's benchmark harness: the suites that
// `leadscore bench` runs (Run), the data they prepare and the measurement
// helpers they share with the programs under bench/ (bench/gbm,
// bench/logistic, bench/serve, bench/readbench, bench/xeducation): CPU time,
// peak memory and machine descriptions, the gbm and logistic matrices of
// datasets/synth as features matrices, the scoring benchmarks' trained
// bundle and request bodies, and a bare gin endpoint to compare the API
// with.
//
// The data comes from datasets/synth, which takes a seed and gives the same
// values for the same arguments, so a figure measured by `leadscore bench`
// and one measured by a script reading a file written by synth are measured
// on the same data.
//
// Being under bench/, the package may import anything (it trains bundles
// with training and serves them with serve); nothing under datasets,
// features, models, training or serve may import it.
package suite
