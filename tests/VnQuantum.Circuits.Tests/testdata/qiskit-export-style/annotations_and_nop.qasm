// expect: 11
// Annotations the simulator does not know are skipped; nop does nothing.
OPENQASM 3.0;
include 'stdgates.inc';
qubit[2] q;
bit[2] c;
@my.annotation with some words
x q[0];
@vendor.twirl
cx q[0], q[1];
nop q[0];
c = measure q;
