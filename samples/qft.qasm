// Quantum Fourier transform of the basis state |5> on 4 qubits, then its inverse: always 0101.
OPENQASM 2.0;
include "qelib1.inc";
gate qft4 a,b,c,d {
  h d; cu1(pi/2) c,d; cu1(pi/4) b,d; cu1(pi/8) a,d;
  h c; cu1(pi/2) b,c; cu1(pi/4) a,c;
  h b; cu1(pi/2) a,b;
  h a;
  swap a,d; swap b,c;
}
gate iqft4 a,b,c,d {
  swap b,c; swap a,d;
  h a;
  cu1(-pi/2) a,b; h b;
  cu1(-pi/4) a,c; cu1(-pi/2) b,c; h c;
  cu1(-pi/8) a,d; cu1(-pi/4) b,d; cu1(-pi/2) c,d; h d;
}
qreg q[4];
creg c[4];
x q[0];
x q[2];
qft4 q[0],q[1],q[2],q[3];
iqft4 q[0],q[1],q[2],q[3];
measure q -> c;
