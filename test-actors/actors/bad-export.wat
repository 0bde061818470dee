;; bad-export (world bad-export-actor from test-actors/bad-wit): exports `theater:simple/actor` with the wrong
;; signature, `init: func(state: u32) -> u32`. The kernel must reject it before instantiating.
(module
  (func (export "theater:simple/actor#init") (param $state i32) (result i32)
    local.get $state))
