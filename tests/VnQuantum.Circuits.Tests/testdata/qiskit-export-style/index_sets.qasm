// expect: 00011010
// Index sets pick bits and qubits in the order written.
OPENQASM 3.0;
include "stdgates.inc";
qubit[8] q;
bit[8] c;
x q[{1, 3, 4}];
c[{3, 1, 4}] = measure q[{3, 1, 4}];
