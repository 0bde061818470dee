%% Erlang/OTP figures for the shapes `pnpm bench` measures (bench/erlangBench.ts compiles and runs this):
%% spawning a process that reports ready, a request round trip between two processes, and one-way sends from one
%% process to another. Prints one JSON object: a figure per round of each.
-module(theater_ref).
-export([main/1]).

main([RoundsArg]) ->
    Rounds = list_to_integer(atom_to_list(RoundsArg)),
    Seq = lists:seq(1, Rounds),
    Spawn = [spawn_round(10000) || _ <- Seq],
    Request = [request_round(100000) || _ <- Seq],
    Send = [send_round(1000000) || _ <- Seq],
    io:format("{\"spawnUs\":~w,\"requestUs\":~w,\"sendsPerSecond\":~w}~n", [Spawn, Request, Send]),
    halt(0).

now_ns() -> erlang:monotonic_time(nanosecond).

%% µs per spawn of a process that says it is ready, each awaited before the next (as a spawn awaits init).
spawn_round(N) ->
    T0 = now_ns(),
    Pids = spawn_each(N, self(), []),
    T1 = now_ns(),
    [P ! stop || P <- Pids],
    (T1 - T0) / N / 1000.

spawn_each(0, _Parent, Pids) -> Pids;
spawn_each(N, Parent, Pids) ->
    P = spawn(fun() -> Parent ! {ready, self()}, receive stop -> ok end end),
    receive {ready, P} -> ok end,
    spawn_each(N - 1, Parent, [P | Pids]).

%% µs per request answered by another process, one after another.
request_round(N) ->
    Echo = spawn(fun echo/0),
    ask(Echo, 1000),
    T0 = now_ns(),
    ask(Echo, N),
    T1 = now_ns(),
    Echo ! stop,
    (T1 - T0) / N / 1000.

echo() ->
    receive
        {From, Ref, Msg} -> From ! {Ref, Msg}, echo();
        stop -> ok
    end.

ask(_Echo, 0) -> ok;
ask(Echo, N) ->
    Ref = make_ref(),
    Echo ! {self(), Ref, x},
    receive {Ref, x} -> ok end,
    ask(Echo, N - 1).

%% Messages per second from one process to another, until the receiver has counted them all.
send_round(N) ->
    Counter = spawn(fun() -> count(0) end),
    T0 = now_ns(),
    tell(Counter, N),
    Counter ! {done, self()},
    receive {counted, N} -> ok end,
    T1 = now_ns(),
    N / ((T1 - T0) / 1.0e9).

count(C) ->
    receive
        x -> count(C + 1);
        {done, From} -> From ! {counted, C}
    end.

tell(_To, 0) -> ok;
tell(To, N) -> To ! x, tell(To, N - 1).
