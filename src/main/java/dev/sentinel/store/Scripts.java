package dev.sentinel.store;

/** The state machine, one script per operation; the file names in resources/lua match these. */
public record Scripts(LuaScript submit, LuaScript claim, LuaScript renew, LuaScript commitSteps,
                      LuaScript complete, LuaScript fail, LuaScript release, LuaScript expireLeases,
                      LuaScript promoteDelayed, LuaScript applyRetention, LuaScript cancel, LuaScript retry,
                      LuaScript listTasks, LuaScript recordCall, LuaScript checkBudget, LuaScript pause,
                      LuaScript resumePaused, LuaScript reserveModel, LuaScript settleModel,
                      LuaScript taskEvents) {

  public static Scripts load() {
    return new Scripts(LuaScript.load("submit"), LuaScript.load("claim"), LuaScript.load("renew"),
        LuaScript.load("commit_steps"), LuaScript.load("complete"), LuaScript.load("fail"),
        LuaScript.load("release"), LuaScript.load("expire_leases"), LuaScript.load("promote_delayed"),
        LuaScript.load("apply_retention"), LuaScript.load("cancel"), LuaScript.load("retry"),
        LuaScript.load("list_tasks"), LuaScript.load("record_call"), LuaScript.load("check_budget"),
        LuaScript.load("pause"), LuaScript.load("resume_paused"), LuaScript.load("reserve_model"),
        LuaScript.load("settle_model"), LuaScript.load("task_events"));
  }

  public LuaScript[] all() {
    return new LuaScript[] {submit, claim, renew, commitSteps, complete, fail, release, expireLeases,
        promoteDelayed, applyRetention, cancel, retry, listTasks, recordCall, checkBudget, pause, resumePaused, reserveModel, settleModel, taskEvents};
  }
}
