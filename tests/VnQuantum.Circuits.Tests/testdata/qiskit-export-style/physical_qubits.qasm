// expect: 101
// Physical qubits, as a transpiled circuit is exported: $0, $1, $2 used directly.
OPENQASM 3.0;
include "stdgates.inc";
bit[3] c;
x $0;
cx $0, $2;
c[0] = measure $0;
c[1] = measure $1;
c[2] = measure $2;
