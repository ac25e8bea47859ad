-- release_budget.lua: an LLM call got no answer (no money was spent): give back the budget
-- check_budget.lua reserved for it, if the task still holds that reservation (a holder that
-- lost the task had it given back by the expiry or the cancel; giving it twice would let the
-- tenant overspend). See release_budget in _lib.lua.
-- KEYS: see _lib.lua (the task hash and the tenant's day cost key from the prefix)
-- ARGV: [1] task id, [2] the call's id
-- Reply: the nano-USD given back (0: none held for this call)
return release_budget(ARGV[1], ARGV[2])
