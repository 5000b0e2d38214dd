// A small background worker for best-effort side work that must not delay a
// response (clearing a cart after checkout). One thread, a bounded queue:
// when full, post() refuses (the caller logs; the work was optional). On
// destruction the queue is drained, then the thread joined.
//
// Thread-safety: post() from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace orders::host::core {

class BackgroundQueue {
public:
  explicit BackgroundQueue(size_t capacity = 1024) : capacity_(capacity), thread_([this] { run(); }) {}
  ~BackgroundQueue() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  BackgroundQueue(const BackgroundQueue &) = delete;
  BackgroundQueue &operator=(const BackgroundQueue &) = delete;

  // False when the queue is full or stopping.
  bool post(std::function<void()> work) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= capacity_) return false;
      queue_.push_back(std::move(work));
    }
    wake_.notify_one();
    return true;
  }

private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return; // stopping and drained
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      try {
        work();
      } catch (...) { // best-effort work never takes the worker down
      }
      lock.lock();
    }
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_; // last: starts after the members it uses
};

} // namespace orders::host::core
