"""Optuna doing what the Sweeps agent benches do: P processes, each running N trials of a trivial objective with the
random sampler against one study in one storage: a journal file (JournalFileStorage) or, given a database URL
(postgresql+psycopg2://...), RDBStorage with its defaults as Optuna's docs set it up. Prints one JSON object: rate and
problems. Args: processes, trials per process, journal path or URL[, study name]."""
import json
import multiprocessing
import sys

import optuna
from optuna.storages import JournalFileStorage, JournalStorage

optuna.logging.set_verbosity(optuna.logging.ERROR)


def storage(where):
    return where if "://" in where else JournalStorage(JournalFileStorage(where))


def work(where, study_name, n, errors):
    try:
        study = optuna.load_study(study_name=study_name, storage=storage(where), sampler=optuna.samplers.RandomSampler())
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=n)
    except Exception as e:  # a storage error in a worker is what the bench counts
        errors.put(repr(e))


def main():
    processes, per_process, where = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    name = sys.argv[4] if len(sys.argv) > 4 else "bench"
    optuna.create_study(study_name=name, storage=storage(where), sampler=optuna.samplers.RandomSampler())
    errors = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=work, args=(where, name, per_process, errors)) for _ in range(processes)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    trials = optuna.load_study(study_name=name, storage=storage(where)).trials
    done = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    start = min(t.datetime_start for t in trials)
    end = max(t.datetime_complete for t in done)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    print(json.dumps({
        "processes": processes, "trials": len(trials), "complete": len(done),
        "orphaned": len([t for t in trials if t.state == optuna.trial.TrialState.RUNNING]),
        "errors": len(problems) + sum(1 for w in workers if w.exitcode != 0),
        "runs_per_second": round(len(done) / (end - start).total_seconds(), 1),
        "optuna": optuna.__version__,
        "problems": problems[:3],
    }))


if __name__ == "__main__":
    main()
