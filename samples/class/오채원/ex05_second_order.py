# %% [markdown]
# # 연습문제 5 · 이계도 그레이디언트 (코드 3-12)
#
# 그레이디언트를 한 번 구하는 데서 멈출 필요는 없습니다. 그레이디언트 자체도 텐서플로 연산으로
# 계산되는 텐서이므로, 그 계산을 **또 다른 테이프**로 녹음하면 한 번 더 미분할 수 있습니다.
# 이렇게 두 번 미분한 값을 이계도(second-order) 그레이디언트라고 합니다.
#
# 물리에서 익숙한 예가 있습니다. 시간에 따른 물체의 위치를 한 번 미분하면 속도, 두 번 미분하면
# 가속도입니다.
#
# 이 연습에서 구현할 것:
#
# | 함수 | 하는 일 |
# |---|---|
# | `apple_speed_and_acceleration(t)` | 떨어지는 사과의 시각 `t`에서의 `(속도, 가속도)` |
# | `second_derivative(f, x)` | 스칼라 `x`에서 함수 `f`의 이계도 도함수 d²f/dx² |

# %%
import tensorflow as tf

# %% [markdown]
# ## 떨어지는 사과의 속도와 가속도 (코드 3-12)
#
# 사과를 떨어뜨린 뒤 `t`초가 지났을 때의 위치가 `position(t) = 4.9 * t**2`라고 해 봅시다.
# 테이프 두 개를 겹쳐서 씁니다.
#
# 1. **안쪽 테이프**는 위치를 계산하는 과정을 녹음합니다. 안쪽 블록이 끝난 뒤
#    `inner_tape.gradient(position, time)`으로 속도를 얻습니다.
# 2. **바깥 테이프**는 그 속도를 계산하는 과정, 곧 안쪽 `gradient` 호출까지 녹음해야 합니다.
#    그래서 속도를 구하는 줄은 반드시 바깥 `with` 블록 **안**에 있어야 합니다. 그래야 블록이
#    끝난 뒤 `outer_tape.gradient(speed, time)`으로 속도를 한 번 더 미분해 가속도를 얻습니다.
#
# 시간은 `tf.Variable`로 만들면 두 테이프가 모두 자동으로 감시합니다. 상수를 쓴다면 두 테이프
# 각각에서 `watch`를 불러야 합니다. 정답은 손으로도 확인할 수 있습니다: 속도는 `9.8·t`,
# 가속도는 시각과 상관없이 `9.8`입니다. 결과는 `(속도, 가속도)` 순서의 튜플로 반환하세요.


# %%
def apple_speed_and_acceleration(t):
    """position(t) = 4.9·t²일 때 시각 t(파이썬 float)에서의 (속도, 가속도)를 반환합니다.

    두 값 모두 중첩한 GradientTape로 계산한 스칼라 텐서입니다.
    """
    time = tf.Variable(float(t))
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time**2
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)
    return speed, acceleration


# %% [markdown]
# ## 아무 함수의 이계도 도함수
#
# 같은 방법을 일반화합니다. 함수 `f`와 스칼라 상수 텐서 `x`를 받아 `x`에서 `f`를 두 번 미분한
# 값을 반환하세요. 이번에는 `x`가 변수가 아니라 상수라는 점에 주의하세요. 테이프마다 감시 목록이
# 따로 있으므로 안쪽 테이프와 바깥 테이프 **둘 다** `x`를 `watch`해야 합니다. 바깥 테이프가
# `x`를 모르면 일계도 그레이디언트를 계산하는 과정이 녹음되지 않아 결과가 `None`이 됩니다.
#
# 안쪽 테이프의 결과(일계도)를 그대로 반환하지 않도록 조심하세요. 그 값을 바깥 테이프로 한 번 더
# 미분한 것이 답입니다.


# %%
def second_derivative(f, x):
    """스칼라 x에서 함수 f의 이계도 도함수 d²f/dx²를 중첩한 GradientTape로 계산해 반환합니다."""
    with tf.GradientTape() as outer_tape:
        outer_tape.watch(x)
        with tf.GradientTape() as inner_tape:
            inner_tape.watch(x)
            y = f(x)
        first = inner_tape.gradient(y, x)
    second = outer_tape.gradient(first, x)
    return second
