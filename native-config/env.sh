# Thread defaults for every rltrader process (sourced by tools/rltrader and tools/bench; the
# test JVM gets the same through the Surefire configuration in pom.xml). One BLAS / OpenMP
# thread unless the caller already chose: see native-config/README.md for why.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
