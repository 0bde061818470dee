;; pinger (world message-server-actor): a hand-written actor that messages another, for the messaging benchmarks.
;;
;; A request `<op u8><count u32 le><target actor id>` makes `count` calls to the target in one operation: op `r`
;; issues message-server-host `request`s of the 1-byte message `x` and replies with the last reply, op `s` issues
;; `send`s of `x` and replies with the 4 bytes of `count`. A send's message is a target actor id: it sends `x` there
;; once. The state is a little-endian u32 counting the calls made. The first refused call ends the operation with
;; the guest error the host returned (e.g. `mailbox-full`); a malformed request is a guest error too.
;;
;; Canonical ABI: `option<list<u8>>` flattens to (discriminant, ptr, len); every export returns a pointer to a
;; result in linear memory: discriminant (u8) at +0, payload at +4. Both imports return a `result` through a return
;; pointer (discriminant at +0, the list or string as ptr +4, len +8). Lists the host passes in come from
;; `cabi_realloc`, a bump allocator that each `cabi_post_*` resets; the loop rewinds it before each call so that only
;; the last reply is kept.
(module
  (import "theater:simple/message-server-host" "request"
    (func $request (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "send"
    (func $send (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)

  ;; 16..63: the return area; 64..67: the state bytes returned; 68..71: the count replied to `s`; 72: the message
  ;; `x`; 128..139: the imports' return area; 256..: the malformed-request error.
  (global $ret i32 (i32.const 16))
  (global $count_buf i32 (i32.const 64))
  (global $reply_buf i32 (i32.const 68))
  (global $payload i32 (i32.const 72))
  (global $call_ret i32 (i32.const 128))
  (global $heap_base i32 (i32.const 1024))
  (global $bump (mut i32) (i32.const 1024))
  (data (i32.const 72) "x")
  (data (i32.const 256) "pinger: expected a request <op r|s><count u32 le><target id>")

  (func $cabi_realloc (export "cabi_realloc")
    (param $old_ptr i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    ;; ptr = align_up(bump, align)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then unreachable))))
    (global.set $bump (local.get $end))
    (if (local.get $old_ptr)
      (then
        (memory.copy
          (local.get $ptr)
          (local.get $old_ptr)
          (select (local.get $old_size) (local.get $new_size)
            (i32.lt_u (local.get $old_size) (local.get $new_size))))))
    (local.get $ptr))

  (func $reset (param $ret_ptr i32)
    (global.set $bump (global.get $heap_base)))

  ;; The count held by a state: 0 when there is none or it is shorter than 4 bytes.
  (func $load (param $disc i32) (param $ptr i32) (param $len i32) (result i32)
    (if (result i32)
      (i32.and (i32.eq (local.get $disc) (i32.const 1)) (i32.ge_u (local.get $len) (i32.const 4)))
      (then (i32.load align=1 (local.get $ptr)))
      (else (i32.const 0))))

  ;; Writes `some(count)` as a state option at `at`.
  (func $store_state (param $at i32) (param $count i32)
    (i32.store (global.get $count_buf) (local.get $count))
    (i32.store8 (local.get $at) (i32.const 1))
    (i32.store (i32.add (local.get $at) (i32.const 4)) (global.get $count_buf))
    (i32.store (i32.add (local.get $at) (i32.const 8)) (i32.const 4)))

  ;; ok((some(count),)): result<tuple<state>, string>.
  (func $ok_state (param $count i32) (result i32)
    (i32.store8 (global.get $ret) (i32.const 0))
    (call $store_state (i32.add (global.get $ret) (i32.const 4)) (local.get $count))
    (global.get $ret))

  ;; err(string) of any export.
  (func $err (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (global.get $ret) (i32.const 1))
    (i32.store (i32.add (global.get $ret) (i32.const 4)) (local.get $ptr))
    (i32.store (i32.add (global.get $ret) (i32.const 8)) (local.get $len))
    (global.get $ret))

  ;; True when the last import call returned err.
  (func $refused (result i32)
    (i32.ne (i32.load8_u (global.get $call_ret)) (i32.const 0)))

  ;; The error the last import call returned.
  (func $refusal (result i32)
    (call $err
      (i32.load (i32.add (global.get $call_ret) (i32.const 4)))
      (i32.load (i32.add (global.get $call_ret) (i32.const 8)))))

  (func (export "theater:simple/actor#init")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $id_ptr i32) (param $id_len i32) (result i32)
    (call $ok_state (call $load (local.get $sd) (local.get $sp) (local.get $sl))))
  (func (export "cabi_post_theater:simple/actor#init") (param i32)
    (call $reset (local.get 0)))

  ;; The message is the target's id: one send of `x` to it.
  (func (export "theater:simple/message-server-client#handle-send")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (call $send (local.get $msg_ptr) (local.get $msg_len) (global.get $payload) (i32.const 1) (global.get $call_ret))
    (if (call $refused) (then (return (call $refusal))))
    (call $ok_state
      (i32.add (call $load (local.get $sd) (local.get $sp) (local.get $sl)) (i32.const 1))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-send") (param i32)
    (call $reset (local.get 0)))

  ;; `<op><count><target>`: `count` requests (`r`) or sends (`s`) to the target in one operation.
  ;; ok((some(calls), (some(reply),))): the state at +4..+15, the reply option at +16..+27.
  (func (export "theater:simple/message-server-client#handle-request")
    (param $sd i32) (param $sp i32) (param $sl i32)
    (param $id_ptr i32) (param $id_len i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (local $op i32) (local $count i32) (local $target i32) (local $target_len i32) (local $mark i32) (local $i i32)
    (if (i32.lt_u (local.get $msg_len) (i32.const 6))
      (then (return (call $err (i32.const 256) (i32.const 60)))))
    (local.set $op (i32.load8_u (local.get $msg_ptr)))
    (if (i32.and (i32.ne (local.get $op) (i32.const 0x72)) (i32.ne (local.get $op) (i32.const 0x73)))
      (then (return (call $err (i32.const 256) (i32.const 60)))))
    (local.set $count (i32.load align=1 (i32.add (local.get $msg_ptr) (i32.const 1))))
    (local.set $target (i32.add (local.get $msg_ptr) (i32.const 5)))
    (local.set $target_len (i32.sub (local.get $msg_len) (i32.const 5)))
    (local.set $mark (global.get $bump))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (global.set $bump (local.get $mark))
        (if (i32.eq (local.get $op) (i32.const 0x72))
          (then
            (call $request (local.get $target) (local.get $target_len) (global.get $payload) (i32.const 1)
              (global.get $call_ret)))
          (else
            (call $send (local.get $target) (local.get $target_len) (global.get $payload) (i32.const 1)
              (global.get $call_ret))))
        (if (call $refused) (then (return (call $refusal))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (global.get $ret) (i32.const 0))
    (call $store_state
      (i32.add (global.get $ret) (i32.const 4))
      (i32.add (call $load (local.get $sd) (local.get $sp) (local.get $sl)) (local.get $count)))
    (i32.store8 (i32.add (global.get $ret) (i32.const 16)) (i32.const 1))
    (if (i32.and (i32.eq (local.get $op) (i32.const 0x72)) (i32.gt_u (local.get $count) (i32.const 0)))
      (then
        (i32.store (i32.add (global.get $ret) (i32.const 20))
          (i32.load (i32.add (global.get $call_ret) (i32.const 4))))
        (i32.store (i32.add (global.get $ret) (i32.const 24))
          (i32.load (i32.add (global.get $call_ret) (i32.const 8)))))
      (else
        (i32.store (global.get $reply_buf) (local.get $count))
        (i32.store (i32.add (global.get $ret) (i32.const 20)) (global.get $reply_buf))
        (i32.store (i32.add (global.get $ret) (i32.const 24)) (i32.const 4))))
    (global.get $ret))
  (func (export "cabi_post_theater:simple/message-server-client#handle-request") (param i32)
    (call $reset (local.get 0)))

  ;; ok((some(count), ({accepted: true, message: none},))): the state at +4, accepted at +16, message at +20.
  (func (export "theater:simple/message-server-client#handle-channel-open")
    (param $sd i32) (param $sp i32) (param $sl i32)
    (param $id_ptr i32) (param $id_len i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (i32.store8 (global.get $ret) (i32.const 0))
    (call $store_state
      (i32.add (global.get $ret) (i32.const 4))
      (call $load (local.get $sd) (local.get $sp) (local.get $sl)))
    (i32.store8 (i32.add (global.get $ret) (i32.const 16)) (i32.const 1))
    (i32.store8 (i32.add (global.get $ret) (i32.const 20)) (i32.const 0))
    (global.get $ret))
  (func (export "cabi_post_theater:simple/message-server-client#handle-channel-open") (param i32)
    (call $reset (local.get 0)))

  (func (export "theater:simple/message-server-client#handle-channel-message")
    (param $sd i32) (param $sp i32) (param $sl i32)
    (param $ch_ptr i32) (param $ch_len i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (call $ok_state (call $load (local.get $sd) (local.get $sp) (local.get $sl))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-channel-message") (param i32)
    (call $reset (local.get 0)))

  (func (export "theater:simple/message-server-client#handle-channel-close")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $ch_ptr i32) (param $ch_len i32) (result i32)
    (call $ok_state (call $load (local.get $sd) (local.get $sp) (local.get $sl))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-channel-close") (param i32)
    (call $reset (local.get 0)))
)
