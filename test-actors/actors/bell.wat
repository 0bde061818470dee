;; bell (world bell-actor, bells-wit/): small's counter, plus one import of an interface outside theater:simple,
;; `example:bells/bell`, which only a handler defined outside the kernel provides.
;;
;; State: a 4-byte little-endian u32. A request rings the bell once and replies with the 4 bytes `ring` returned (the
;; bell's total), keeping that total as its state; a send increments the state. Channels are accepted.
;;
;; Canonical ABI: `option<list<u8>>` flattens to (discriminant, ptr, len); every export returns a pointer to a
;; result in linear memory, laid out as: discriminant (u8) at +0, payload at +4. Strings and lists the host passes
;; in come from `cabi_realloc`, a bump allocator that each `cabi_post_*` resets.
(module
  (import "example:bells/bell" "ring" (func $ring (param i32) (result i32)))
  (memory (export "memory") 1)

  ;; 16..63: the return area; 64..67: the state bytes returned.
  (global $ret i32 (i32.const 16))
  (global $count_buf i32 (i32.const 64))
  (global $heap_base i32 (i32.const 1024))
  (global $bump (mut i32) (i32.const 1024))

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
      (then (i32.load (local.get $ptr)))
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

  (func (export "theater:simple/actor#init")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $id_ptr i32) (param $id_len i32) (result i32)
    (call $ok_state (call $load (local.get $sd) (local.get $sp) (local.get $sl))))
  (func (export "cabi_post_theater:simple/actor#init") (param i32)
    (call $reset (local.get 0)))

  (func (export "theater:simple/message-server-client#handle-send")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (call $ok_state
      (i32.add (call $load (local.get $sd) (local.get $sp) (local.get $sl)) (i32.const 1))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-send") (param i32)
    (call $reset (local.get 0)))

  ;; ok((some(total), (some(total bytes),))): rings once; the state at +4..+15, the reply option at +16..+27.
  (func (export "theater:simple/message-server-client#handle-request")
    (param $sd i32) (param $sp i32) (param $sl i32)
    (param $id_ptr i32) (param $id_len i32) (param $msg_ptr i32) (param $msg_len i32) (result i32)
    (local $count i32)
    (local.set $count (call $ring (i32.const 1)))
    (i32.store8 (global.get $ret) (i32.const 0))
    (call $store_state (i32.add (global.get $ret) (i32.const 4)) (local.get $count))
    (call $store_state (i32.add (global.get $ret) (i32.const 16)) (local.get $count))
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
    (call $ok_state
      (i32.add (call $load (local.get $sd) (local.get $sp) (local.get $sl)) (i32.const 1))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-channel-message") (param i32)
    (call $reset (local.get 0)))

  (func (export "theater:simple/message-server-client#handle-channel-close")
    (param $sd i32) (param $sp i32) (param $sl i32) (param $ch_ptr i32) (param $ch_len i32) (result i32)
    (call $ok_state (call $load (local.get $sd) (local.get $sp) (local.get $sl))))
  (func (export "cabi_post_theater:simple/message-server-client#handle-channel-close") (param i32)
    (call $reset (local.get 0)))
)
