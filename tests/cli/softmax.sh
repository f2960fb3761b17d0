# The worked numbers a class checks by hand, from the command line.
BIN=$1
. tests/cli-lib.sh

expect_ok $BIN softmax 3.2 1.3 -2.1
expect_out "86.61%"
expect_out "12.95%"
expect_out "0.43%"
expect_out "sum of e^(logit/1) = 28.3"
expect_ok $BIN softmax --json 3.2 1.3 -2.1
expect_out '"logits":[3.20000005,1.29999995,-2.0999999'
expect_out '"probs":[0.866'
# temperature 0.5 on 40/30/20/10%: 53.3/30.0/13.3/3.3%
expect_ok $BIN softmax --temperature 0.5 -0.916291 -1.203973 -1.609438 -2.302585
expect_out "53.33%"
expect_out "3.33%"
expect_ok $BIN softmax --temperature 2 -0.916291 -1.203973 -1.609438 -2.302585
expect_out "32.54%"
expect_out "16.27%"
# top-p keeps the smallest set reaching p, renormalised
expect_ok $BIN softmax --top-p 0.8 -0.693147 -1.203973 -1.609438
expect_out "no (top-p)"
expect_out "kept 2 of 3"
expect_ok $BIN softmax --temperature 0 1 5 2
expect_out "100.0%"
# texts that begin with a dash follow --
expect_ok $BIN slice -- "-hi"
expect_out "3 tokens"
finish
