# Sourced by ./persona and bench/run: the JVM's options for a persona command, so that a benchmark runs its
# work with the options the command itself gets. netpersona_java_opts COMMAND fills NETPERSONA_JAVA_OPTS_LIST;
# PERSONA_JAVA_OPTS (words) replaces them all.
netpersona_java_opts() {
  local command="${1:-}" m
  if [ -n "${PERSONA_JAVA_OPTS:-}" ]; then
    # shellcheck disable=SC2206
    NETPERSONA_JAVA_OPTS_LIST=($PERSONA_JAVA_OPTS)
    return
  fi
  if [ "$command" = serve ]; then
    # not for the control plane, which runs for months with thousands of agents' connections: a serial
    # collection stops all of them at once, and its hot paths want the optimizing compiler early. The JVM's
    # defaults (as in the agents benchmark, bench/run agents)
    NETPERSONA_JAVA_OPTS_LIST=()
    return
  fi
  if [ "$command" = agent ] || [ "$command" = host ]; then
    # the commands that apply personas (bench/run apply runs its applies with these; numbers from it, 1,000
    # personas, a 2-core machine shared with other builds, load 5-8, so noisy):
    # - the serial collector with a young generation of its own size. With the 64 MB first heap of the other
    #   commands it kept a young generation of about 17 MB for good (it resizes it only in a full collection,
    #   which never came: the heap grew instead), and a thousand personas' apply allocates some 60 MB, its plan
    #   some 90 MB: 30-odd young collections a round, each promoting what was live at that moment, so the old
    #   generation grew by garbage to 800 MB in 20 rounds and the collections took 5-20 ms each. With 512 MB a
    #   collection comes about once in two rounds (15-25 MB live: 20-60 ms; one apply in five or so meets one).
    #   The pages are the machine's only once allocated into.
    # - the optimizing compiler at the JVM's usual thresholds, but no compilation of a loop on the stack (OSR)
    #   before it has run ten million times. At the usual 40,000 the compilers never settled (1-4 s a round
    #   after 15 rounds: OSR and deoptimisation of the apply's once-a-run loops; after warm-up 414 ms). With
    #   only that, each method is compiled once (10-25 s of C2 in all, most of it in the first ten rounds); once
    #   that is done, an apply takes 86-88 ms (its plan 88-92 ms); while it is not, rounds run beside the
    #   compiler: the first five warm rounds 143-335 ms, after the warm-up 86-275 ms (six runs, load 4-6). With
    #   the other commands' thresholds (C2 only after 300,000 calls) the per-persona code stays in C1's
    #   profiling code for good: the first five warm rounds 181-218 ms, after warm-up 123-153 ms, plan about
    #   200 ms (three runs, load 3-8). An agent applies now and then, and compiles in between: it wants the
    #   faster code. Nice 19 for the compilers' threads (-XX:ThreadPriorityPolicy=1, root) made no difference
    #   that the busy machine showed (163-445 ms and 87-232 ms, four runs).
    NETPERSONA_JAVA_OPTS_LIST=(-XX:+UseSerialGC -Xms640m -Xmn512m -XX:Tier4BackEdgeThreshold=10000000)
  else
    # a command-line tool: the serial collector (no collector threads to start, the least memory) and a small
    # first heap; the optimizing compiler only for methods run some 300,000 times (its thread took as much CPU
    # as the flow meter in 'persona flows' on a 2 GB capture, mostly for code run once per flow; the per-packet
    # loops' callees get it anyway, from their call counts). Nor for a loop before it has run ten million times:
    # at the default 40,000 it compiled some 55 loops on the stack (OSR), most of them byte-scanning loops of
    # per-flow code (HTTP Host, DNS names, QUIC's AES and SHA-2); 'persona flows' on 2 GB spent 1.5-2.7 s of C2
    # time, against 0.2-0.7 s with this, and 0.3-0.5 s more CPU in all (a busy machine: load 3-5).
    # bench/run hands these to the flows benchmark (FlowsBenchmark.java) and to bench/run warmth.
    NETPERSONA_JAVA_OPTS_LIST=(-XX:+UseSerialGC -Xms64m -XX:Tier4InvocationThreshold=300000 -XX:Tier4MinInvocationThreshold=300000
      -XX:Tier4CompileThreshold=350000 -XX:Tier4BackEdgeThreshold=10000000)
  fi
  # The JDK's AES-GCM, HMAC and SHA-2 code (QUIC Initial packets, one or more per QUIC flow): the methods C2
  # replaces with the CPU's AES, carry-less multiply and SHA instructions go to C2 early all the same (with the
  # thresholds above they ran as plain Java in C1's code). Only those: giving C2 the whole providers early cost
  # more in compiling (AES key schedules, OSR) than it saved. 2 GB capture, 3 alternating runs each on a busy
  # machine (load ~3), no AOT cache: 5.22 s CPU without, 5.34 s with the whole providers, 4.78 s with these
  # methods; with the AOT cache, 4.63 s with the providers and 4.65 s with these (a wash, for less C2 work).
  # Their callers too: C2 puts the CPU's instructions in place of a call it compiles, not of a method it compiles
  # on its own (that gets the plain Java body), so with only the methods above the profile still showed GHASH,
  # AES and SHA-2 as Java on the meter's thread, a quarter of its time (2 GB: 2.8-3.2 s wall without the callers,
  # 2.4-2.8 s with them, a busy machine).
  NETPERSONA_JAVA_OPTS_LIST+=(-XX:CompileCommand=quiet)
  for m in com.sun.crypto.provider.GHASH::processBlocks com.sun.crypto.provider.AESCrypt::implEncryptBlock \
      com.sun.crypto.provider.CounterMode::implCrypt com.sun.crypto.provider.GaloisCounterMode::implGCMCrypt0 \
      sun.security.provider.SHA2::implCompress0 sun.security.provider.DigestBase::implCompressMultiBlock0 \
      com.sun.crypto.provider.GHASH::update com.sun.crypto.provider.GHASH::doFinal \
      com.sun.crypto.provider.GaloisCounterMode::implGCMCrypt com.sun.crypto.provider.CounterMode::crypt \
      com.sun.crypto.provider.AESCrypt::encryptBlock sun.security.provider.SHA2::implCompress \
      sun.security.provider.DigestBase::implCompressMultiBlock; do
    NETPERSONA_JAVA_OPTS_LIST+=("-XX:CompileCommand=CompileThresholdScaling,$m,0.01")
  done
}
