# %% [markdown]
# # 연습문제 7 · CPU와 GPU (3.1: 텐서플로는 GPU에서도 실행된다)
#
# 텐서플로 코드는 어떤 하드웨어에서 돌아갈지 미리 정해 두지 않습니다. 똑같은 `tf.matmul` 한 줄이
# 노트북의 CPU에서도, 서버의 GPU에서도 그대로 실행됩니다. 연산을 어느 장치에 둘지는 텐서플로가
# 알아서 고르고(GPU가 있으면 보통 GPU), 원하면 우리가 직접 지정할 수도 있습니다.
#
# 이 연습에서 구현할 것:
#
# | 함수 | 하는 일 |
# |---|---|
# | `list_gpus()` | 텐서플로가 찾은 GPU들의 이름 목록 (GPU가 없으면 빈 리스트) |
# | `best_device()` | GPU가 있으면 `"/GPU:0"`, 없으면 `"/CPU:0"` |
# | `matmul_on(device, a, b)` | 지정한 장치에서 계산한 행렬 곱 |
# | `device_kind(t)` | 텐서 `t`가 놓인 장치의 종류: `"GPU"` 또는 `"CPU"` |
#
# 채점 환경에 GPU가 없어도 괜찮습니다. GPU가 없으면 GPU 전용 테스트는 건너뛰고, 그 점수는
# 나머지 테스트에 나뉩니다. 그래도 코드는 GPU가 있는 컴퓨터에서도 맞게 동작하도록 작성하세요.

# %%
import tensorflow as tf

# %% [markdown]
# ## 텐서플로가 보는 장치 목록
#
# `tf.config.list_physical_devices("GPU")`는 컴퓨터에 실제로 꽂혀 있고 텐서플로가 쓸 수 있는
# GPU를, `tf.config.list_logical_devices("GPU")`는 텐서플로가 그 위에 만든 논리 장치를 돌려줍니다.
# 두 함수 모두 장치 객체의 리스트를 돌려주는데, 각 객체의 `.name` 속성이 `"/device:GPU:0"` 같은
# 문자열 이름입니다. 인자로 `"GPU"`를 주지 않으면 CPU까지 모두 나오니 주의하세요.
#
# `list_gpus()`는 객체가 아니라 **이름(문자열)의 리스트**를 반환해야 합니다. CPU만 있는
# 컴퓨터에서는 빈 리스트 `[]`가 나옵니다.


# %%
def list_gpus():
    """텐서플로가 찾은 GPU들의 이름(문자열) 리스트를 반환합니다. GPU가 없으면 []입니다."""
    return [device.name for device in tf.config.list_logical_devices("GPU")]


# %% [markdown]
# ## 가장 좋은 장치 고르기
#
# 장치는 `"/CPU:0"`, `"/GPU:0"`처럼 `/종류:번호` 형태의 문자열로 가리킵니다. 번호는 0부터
# 시작하므로 첫 번째 GPU는 `"/GPU:0"`입니다. 큰 행렬 연산은 GPU가 훨씬 빠르니, GPU가 하나라도
# 보이면 `"/GPU:0"`을, 없으면 `"/CPU:0"`을 고르도록 `best_device()`를 만드세요. 위에서 만든
# `list_gpus()`를 다시 써도 됩니다.


# %%
def best_device():
    """GPU가 보이면 "/GPU:0", 아니면 "/CPU:0"을 반환합니다."""
    if list_gpus():
        return "/GPU:0"
    return "/CPU:0"


# %% [markdown]
# ## 장치를 정해서 계산하기: `tf.device`
#
# `with tf.device("/CPU:0"):` 블록 안에서 실행한 연산은 그 장치에 놓입니다. 블록을 쓰지 않으면
# 텐서플로가 장치를 고르는데, GPU가 있으면 대부분 GPU를 씁니다. 계산 코드 자체는 바뀌지 않고
# 블록의 장치 이름만 바꾸면 된다는 점이 핵심입니다.
#
# `matmul_on(device, a, b)`는 `device`에서 `a`와 `b`의 **행렬 곱**(`tf.matmul`, 원소별 곱 `*`가
# 아님)을 계산해 텐서로 반환합니다. 요청한 장치가 없는 컴퓨터라면 텐서플로가 쓸 수 있는 장치로
# 대신 옮겨 실행합니다.


# %%
def matmul_on(device, a, b):
    """device 위에서 계산한 행렬 곱 a · b를 tf.Tensor로 반환합니다."""
    with tf.device(device):
        return tf.matmul(a, b)


# %% [markdown]
# ## 텐서가 어디에 있는지 알아보기: `tensor.device`
#
# 모든 텐서는 자신이 놓인 장치의 전체 이름을 `.device` 속성에 담고 있습니다. 예를 들면
# `"/job:localhost/replica:0/task:0/device:CPU:0"`처럼 깁니다. 이 문자열에서 장치 **종류**만
# 뽑아 `"CPU"` 또는 `"GPU"`를 반환하세요. 문자열을 직접 잘라도 되고,
# `tf.DeviceSpec.from_string(이름).device_type`을 써도 됩니다.


# %%
def device_kind(t):
    """텐서 t가 놓인 장치의 종류 "GPU" 또는 "CPU"를 반환합니다."""
    return tf.DeviceSpec.from_string(t.device).device_type
